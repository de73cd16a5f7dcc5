import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { redisConnection } from '../common/redis';
import { CacheModule } from './cache.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(CacheModule, {
    transport: Transport.REDIS,
    options: redisConnection(),
  });
  await app.listen();
}
bootstrap();
