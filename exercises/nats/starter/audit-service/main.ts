import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions } from '@nestjs/microservices';
import { natsTransport } from '../shared/nats-config';
import { AuditModule } from './audit.module';

async function bootstrap() {
  // The runner starts two instances of this service (audit-1, audit-2), one per data centre.
  // TODO(5): each of them must record every event, not a share of them. Decide the transport
  //          options with that in mind.
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AuditModule, natsTransport());
  await app.listen();
}
bootstrap();
