import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, NatsContext, Payload } from '@nestjs/microservices';
import { REQUEST_ID, SHIP } from '../shared/nats-config';
import { AuditTrail } from './audit-trail';

@Controller()
export class AuditController {
  constructor(private readonly trail: AuditTrail) {}

  @EventPattern<string>(`${SHIP}.events.>`)
  seen(@Payload() data: unknown, @Ctx() context: NatsContext): void {
    const requestId: string | undefined = context.getHeaders()?.[REQUEST_ID];
    this.trail.record(context.getSubject(), requestId, data);
  }
}
