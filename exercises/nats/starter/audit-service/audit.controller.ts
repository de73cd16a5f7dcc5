import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { SHIP } from '../shared/nats-config';
import { AuditTrail } from './audit-trail';

@Controller()
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  // TODO(6): record every event published under `${SHIP}.events.`, whatever its depth:
  //          ….events.parcel.booked, ….events.customs.de.cleared, ….events.quote.issued, …
  //          Only events: quote requests are not the audit's business.
  // TODO(7): record the subject the event arrived on and its x-request-id header (REQUEST_ID),
  //          both from the NatsContext.
  @EventPattern(`${SHIP}.events`)
  seen(@Payload() data: unknown): void {
    this.trail.record(`${SHIP}.events`, undefined, data);
  }
}
