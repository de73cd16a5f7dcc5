import { Module } from '@nestjs/common';
import { MathController } from './math.controller';

@Module({
  // TODO: register a TCP client for the math service with ClientsModule.register([...])
  //       from @nestjs/microservices. Name it 'MATH_SERVICE' and point it at
  //       host '127.0.0.1', port Number(process.env.MATH_PORT).
  imports: [],
  controllers: [MathController],
})
export class GatewayModule {}
