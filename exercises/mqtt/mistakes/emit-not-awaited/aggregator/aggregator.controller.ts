import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, Ctx, EventPattern, MqttContext, MqttRecordBuilder, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { FreezersService, Reading } from './freezers.service';
import { READINGS, alertTopic, freezerOf, statusTopic } from './topics';

/** The token of the client the aggregator publishes status and alerts with. */
export const BROKER = 'BROKER';

@Controller()
export class AggregatorController {
  constructor(
    private readonly freezers: FreezersService,
    @Inject(BROKER) private readonly broker: ClientProxy,
  ) {}

  @EventPattern<string>(READINGS, { qos: 1 })
  async onReading(@Payload() reading: Reading, @Ctx() ctx: MqttContext): Promise<void> {
    const state = this.freezers.record(freezerOf(ctx.getTopic()), reading);
    // Retained: whoever subscribes later gets this freezer's last known state at once.
    const status = new MqttRecordBuilder(state).setQoS(1).setRetain(true).build();
    this.broker.emit(statusTopic(state.freezer), status);
    if (this.freezers.isTooWarm(state)) {
      // An alert is news, not state: delivered at least once, never replayed to a late subscriber.
      const alert = new MqttRecordBuilder(state).setQoS(1).build();
      await lastValueFrom(this.broker.emit(alertTopic(state.freezer), alert));
    }
  }
}
