import { Injectable } from '@nestjs/common';
import { SHOP } from '../common/channels';
import { INSTANCE, recordStore } from '../common/redis';

/** Lets one instance of a service take a piece of work that every instance has received. */
@Injectable()
export class Claims {
  /**
   * True for the first instance that claims `key`, false for every later one. The claim is a Redis
   * key `<SHOP>:claim:<key>` set only if it does not exist yet (SET … NX), kept for ten minutes.
   */
  async claim(key: string): Promise<boolean> {
    const won = await recordStore().set(`${SHOP}:claim:${key}`, INSTANCE, 'EX', 600, 'NX');
    return won === 'OK';
  }
}
