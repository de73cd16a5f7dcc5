import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { AuditModule } from './audit.module';

async function bootstrap() {
  // Like the quotes service: the instances share a queue group.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AuditModule, natsTransport({ queue: 'audit' }));
  await app.listen();
}
bootstrap();
