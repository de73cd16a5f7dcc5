import 'reflect-metadata';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
    transport: Transport.GRPC,
    options: {
      package: 'math',
      protoPath: join(__dirname, '../proto/math.proto'),
      url: `0.0.0.0:${process.env.GRPC_PORT}`,
      // TODO: add `loader` options for @grpc/proto-loader. Two things to get right:
      //  - math.types.ts uses the proto's own field names (running_total), not camelCase;
      //  - an empty `values` list must reach your handlers as [], not be left out.
    },
  });
  await app.listen();
}
bootstrap();
