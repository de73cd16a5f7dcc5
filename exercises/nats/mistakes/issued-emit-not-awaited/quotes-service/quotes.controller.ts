import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, Ctx, MessagePattern, NatsContext, NatsRecordBuilder, Payload } from '@nestjs/microservices';
import { EVENTS, INSTANCE_ID, QUOTE_ISSUED, REQUEST_ID, SHIP } from '../shared/nats-config';
import { headers, type NatsHeaders } from '../shared/nats-headers';
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

    const outgoing = headers();
    if (requestId) outgoing.set(REQUEST_ID, requestId);
    const issued = new NatsRecordBuilder(quote).setHeaders(outgoing).build();
    // emit() publishes at once: the quote can go back straight away.
    this.events.emit(QUOTE_ISSUED, issued);
    return quote;
  }
}
