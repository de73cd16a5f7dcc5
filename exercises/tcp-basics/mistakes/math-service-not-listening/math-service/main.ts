import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module';

async function bootstrap(): Promise<void> {
  // Created, but never told to listen: the process ends with code 0 and MATH_PORT stays closed.
  await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.MATH_PORT) },
  });
}

void bootstrap();
