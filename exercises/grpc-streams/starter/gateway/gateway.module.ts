import { Module } from '@nestjs/common';
import { SquaresController } from './squares.controller';

@Module({
  // TODO: register a gRPC client for the math service with ClientsModule.register():
  // the same package and proto file as the math service, and its address 127.0.0.1:<GRPC_PORT>.
  imports: [],
  controllers: [SquaresController],
})
export class GatewayModule {}
