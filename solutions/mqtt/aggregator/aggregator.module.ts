import { Module } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { AggregatorController, BROKER } from './aggregator.controller';
import { FreezersService } from './freezers.service';
import { MQTT_URL } from './topics';

@Module({
  imports: [ClientsModule.register([{ name: BROKER, transport: Transport.MQTT, options: { url: MQTT_URL } }])],
  controllers: [AggregatorController],
  providers: [FreezersService],
})
export class AggregatorModule {}
