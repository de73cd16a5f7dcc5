import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.MATH_SERVICE_PORT) },
  });
  await app.listen();
}

void bootstrap();
