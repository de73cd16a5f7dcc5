import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { redisConnection } from '../contract/redis';
import { LoyaltyModule } from './loyalty.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(LoyaltyModule, {
    transport: Transport.REDIS,
    // TODO(7): messages arrive as envelopes: this server must turn each one into Nest's packet.
    options: { ...redisConnection() },
  });
  await app.listen();
}
bootstrap();
