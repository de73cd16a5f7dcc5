import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { EnvelopeDeserializer } from '../contract/envelope';
import { redisConnection } from '../contract/redis';
import { BillingModule } from './billing.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BillingModule, {
    transport: Transport.REDIS,
    options: { ...redisConnection(), deserializer: new EnvelopeDeserializer() },
  });
  await app.listen();
}
bootstrap();
