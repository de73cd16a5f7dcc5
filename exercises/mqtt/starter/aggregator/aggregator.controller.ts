import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, EventPattern, Payload } from '@nestjs/microservices';
import { FreezersService, Reading } from './freezers.service';
import { READINGS } from './topics';

/** The token of the client the aggregator publishes status and alerts with. */
export const BROKER = 'BROKER';

@Controller()
export class AggregatorController {
  constructor(
    private readonly freezers: FreezersService,
    @Inject(BROKER) private readonly broker: ClientProxy,
  ) {}

  // TODO: subscribe to every reading at QoS 1. The freezer is not in the payload: it is a level of the topic.
  // TODO: publish the freezer's state to its status topic, retained, at QoS 1.
  // TODO: when the state is too warm, publish it to the freezer's alert topic at QoS 1, not retained.
  @EventPattern<string>(READINGS)
  onReading(@Payload() reading: Reading): void {
    this.freezers.record('unknown', reading);
  }
}
