import { Injectable } from '@nestjs/common';
import { INSTANCE_ID } from '../shared/nats-config';

/** The audit trail of one audit instance. Each instance keeps a full trail of its own. */
@Injectable()
export class AuditTrail {
  private readonly entries: { subject: string; requestId?: string; data: unknown }[] = [];

  /** Records one event. Keep the log line as it is: the check reads it. */
  record(subject: string, requestId: string | undefined, data: unknown): void {
    this.entries.push({ subject, requestId, data });
    console.log(`AUDIT ${INSTANCE_ID} subject=${subject} request=${requestId ?? '-'} data=${JSON.stringify(data)}`);
  }
}
