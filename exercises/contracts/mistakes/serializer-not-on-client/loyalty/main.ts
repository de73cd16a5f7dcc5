import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { EnvelopeDeserializer, EnvelopeSerializer } from '../contract/envelope';
import { ORDER_PLACED } from '../contract/orders';
import { redisConnection } from '../contract/redis';
import { LoyaltyModule } from './loyalty.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(LoyaltyModule, {
    transport: Transport.REDIS,
    options: { ...redisConnection(), serializer: new EnvelopeSerializer({ [ORDER_PLACED]: 2 }), deserializer: new EnvelopeDeserializer() },
  });
  await app.listen();
}
bootstrap();
