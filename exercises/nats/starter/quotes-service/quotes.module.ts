import { Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { EVENTS, natsTransport } from '../shared/nats-config';
import { QuotesController } from './quotes.controller';

@Module({
  imports: [ClientsModule.register([{ name: EVENTS, ...natsTransport() }])],
  controllers: [QuotesController],
})
export class QuotesModule {}
