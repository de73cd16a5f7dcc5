import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { RMQ_URL, USER_DLQ, usersTransport } from './rmq-config';
import { UsersModule } from './users.module';

async function declareDeadLetterQueue(): Promise<void> {
  // TODO(2): RabbitMQ silently drops a dead-lettered message whose target queue does not exist.
  //          Connect to RMQ_URL with amqplib, assert USER_DLQ as a durable queue, close the connection.
  void RMQ_URL;
  void USER_DLQ;
}

async function bootstrap() {
  await declareDeadLetterQueue();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(UsersModule, usersTransport);
  await app.listen();
}
bootstrap();
