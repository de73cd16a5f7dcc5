import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { EVENTS, INSTANCE_ID, QUOTE_ISSUED, REQUEST_ID, SHIP } from '../shared/nats-config';
import type { NatsHeaders } from '../shared/nats-headers';
import { priceFor, type Quote, type QuoteRequest } from './tariffs';

@Controller()
export class QuotesController {
  constructor(@Inject(EVENTS) private readonly events: ClientProxy) {}

  @MessagePattern(`${SHIP}.quote.*`)
  async quote(@Payload() request: QuoteRequest, @Ctx() context: NatsContext): Promise<Quote> {
    const country = context.getSubject().split('.').pop() ?? '';
    const incoming = context.getHeaders() as NatsHeaders | undefined;
    const requestId = incoming?.get(REQUEST_ID) || undefined;
    const quote: Quote = { country, kg: request.kg, price: priceFor(country, request.kg), instance: INSTANCE_ID, requestId };

    await lastValueFrom(this.events.emit(QUOTE_ISSUED, quote), { defaultValue: undefined });
    return quote;
  }
}
