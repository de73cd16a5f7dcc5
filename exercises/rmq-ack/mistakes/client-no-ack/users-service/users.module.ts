import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { AUDIT_CLIENT, AUDIT_QUEUE, RMQ_URL } from './rmq-config';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [
    ClientsModule.register([
      {
        // A producer: it publishes to AUDIT_QUEUE and never consumes it.
        name: AUDIT_CLIENT,
        transport: Transport.RMQ,
        options: { urls: [RMQ_URL], queue: AUDIT_QUEUE, queueOptions: { durable: true }, persistent: true, noAck: false },
      },
    ]),
  ],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
