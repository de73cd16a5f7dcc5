import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { PaymentsModule } from './payments.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(PaymentsModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.PAYMENTS_PORT) },
  });
  await app.listen();
}

void bootstrap();
