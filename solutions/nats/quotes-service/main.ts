import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { QuotesModule } from './quotes.module';

async function bootstrap() {
  // The instances share one queue group: each request goes to exactly one of them.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QuotesModule, natsTransport({ queue: 'quotes' }));
  await app.listen();
}
bootstrap();
