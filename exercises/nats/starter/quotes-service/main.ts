import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { QuotesModule } from './quotes.module';

async function bootstrap() {
  // The runner starts three instances of this service (quotes-1, quotes-2, quotes-3).
  // TODO(1): a quote request must be answered by exactly one of them, not by all three: let the
  //          instances share the work through a queue group named 'quotes'.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(QuotesModule, natsTransport());
  await app.listen();
}
bootstrap();
