import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { AuditModule } from './audit.module';

async function bootstrap() {
  // No queue group: every audit instance gets its own copy of every event.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AuditModule, natsTransport());
  await app.listen();
}
bootstrap();
