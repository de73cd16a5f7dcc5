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
      loader: { keepCase: true },
    },
  });
  await app.listen();
}
bootstrap();
