import { Module } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Ledger, REDIS } from './ledger';
import { PaymentsController } from './payments.controller';

@Module({
  controllers: [PaymentsController],
  providers: [{ provide: REDIS, useFactory: () => new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') }, Ledger],
})
export class PaymentsModule {}
