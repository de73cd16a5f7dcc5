import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AggregatorModule } from './aggregator.module';
import { AGGREGATOR_ID, MQTT_URL } from './topics';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AggregatorModule, {
    transport: Transport.MQTT,
    options: {
      url: MQTT_URL,
      clientId: AGGREGATOR_ID,
    },
  });
  await app.listen();
}

void bootstrap();
