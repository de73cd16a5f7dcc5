import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { MathController } from './math.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'MATH_CLIENT',
        transport: Transport.TCP,
        options: { host: '127.0.0.1', port: Number(process.env.MATH_PORT) },
      },
    ]),
  ],
  controllers: [MathController],
})
export class GatewayModule {}
