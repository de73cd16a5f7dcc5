import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { SquaresController } from './squares.controller';

@Module({
  imports: [
    ClientsModule.register([
      {
        name: 'MATH_PACKAGE',
        transport: Transport.GRPC,
        options: {
          package: 'math',
          protoPath: join(__dirname, '../proto/math.proto'),
          url: `127.0.0.1:${process.env.GRPC_PORT}`,
          loader: { keepCase: true, arrays: true },
        },
      },
    ]),
  ],
  controllers: [SquaresController],
})
export class GatewayModule {}
