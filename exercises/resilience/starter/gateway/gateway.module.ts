import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { PaymentsController } from './payments.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'PAYMENTS',
        transport: Transport.TCP,
        // PAYMENTS_PROXY forwards to the payments service. During a check the runner makes it slow,
        // failing or duplicating on purpose; under `learn-nest-micro run` it forwards untouched.
        options: { host: '127.0.0.1', port: Number(process.env.PAYMENTS_PROXY) },
      },
    ]),
  ],
  controllers: [PaymentsController],
})
export class GatewayModule {}
