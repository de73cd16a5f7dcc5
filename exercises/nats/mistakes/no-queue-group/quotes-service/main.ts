import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { QuotesModule } from './quotes.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QuotesModule, natsTransport());
  await app.listen();
}
bootstrap();
