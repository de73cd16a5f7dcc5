import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { redisConnection } from '../common/redis';
import { MailerModule } from './mailer.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MailerModule, {
    transport: Transport.REDIS,
    // TODO: the mailer's pattern covers many channels; as it stands, Nest subscribes to a pattern
    //       as to one channel of exactly that name.
    options: redisConnection(),
  });
  await app.listen();
}
bootstrap();
