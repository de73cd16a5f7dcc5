import { Module } from '@nestjs/common';
import { Claims } from './claims';
import { OrdersController } from './orders.controller';
import { Outbox } from './outbox';

@Module({
  controllers: [OrdersController],
  providers: [Claims, Outbox],
})
export class MailerModule {}
