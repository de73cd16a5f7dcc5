import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { MathController } from './math.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'MATH_SERVICE',
        transport: Transport.TCP,
        options: { host: '127.0.0.1', port: Number(process.env.GATEWAY_PORT) },
      },
    ]),
  ],
  controllers: [MathController],
})
export class GatewayModule {}
