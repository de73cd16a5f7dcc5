import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { redisConnection } from '../common/redis';
import { MailerModule } from './mailer.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MailerModule, {
    transport: Transport.REDIS,
    options: { ...redisConnection(), wildcards: true }, // PSUBSCRIBE: the patterns may contain * and ?
  });
  await app.listen();
}
bootstrap();
