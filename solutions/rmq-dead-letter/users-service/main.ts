import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { connect } from 'amqplib';
import { RMQ_URL, USER_DLQ, usersTransport } from './rmq-config';
import { UsersModule } from './users.module';

// RabbitMQ silently drops a dead-lettered message whose target queue does not exist.
async function declareDeadLetterQueue(): Promise<void> {
  const connection = await connect(RMQ_URL);
  try {
    const channel = await connection.createChannel();
    await channel.assertQueue(USER_DLQ, { durable: true });
  } finally {
    await connection.close();
  }
}

async function bootstrap() {
  await declareDeadLetterQueue();
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(UsersModule, usersTransport);
  await app.listen();
}
bootstrap();
