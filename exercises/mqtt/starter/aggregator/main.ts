import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AggregatorModule } from './aggregator.module';
import { MQTT_URL } from './topics';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(AggregatorModule, {
    transport: Transport.MQTT,
    options: {
      url: MQTT_URL,
      // TODO: readings published while the aggregator restarts must not be lost: ask the broker for a
      // session that outlives the connection (see AGGREGATOR_ID in topics.ts).
    },
  });
  await app.listen();
}

void bootstrap();
