import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, NatsContext, Payload } from '@nestjs/microservices';
import { REQUEST_ID, SHIP } from '../shared/nats-config';
import type { NatsHeaders } from '../shared/nats-headers';
import { AuditTrail } from './audit-trail';

@Controller()
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @EventPattern<string>(`${SHIP}.events.*.*`)
  seen(@Payload() data: unknown, @Ctx() context: NatsContext): void {
    const incoming = context.getHeaders() as NatsHeaders | undefined;
    this.trail.record(context.getSubject(), incoming?.get(REQUEST_ID) || undefined, data);
  }
}
