import { Injectable, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';

@Injectable()
export class MathService {
  private readonly logger = new Logger(MathService.name);

  @MessagePattern({ cmd: 'sum' })
  sum(@Payload() numbers: number[]): number {
    const total = numbers.reduce((acc, n) => acc + n, 0);
    this.logger.log(`sum of [${numbers.join(', ')}] = ${total}`);
    return total;
  }
}
