import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, MessagePattern, Payload } from '@nestjs/microservices';
import { EVENTS, INSTANCE_ID, SHIP } from '../shared/nats-config';
import { priceFor, type Quote, type QuoteRequest } from './tariffs';

@Controller()
export class QuotesController {
  constructor(@Inject(EVENTS) private readonly events: ClientProxy) {}

  // TODO(2): callers ask for a quote on `${SHIP}.quote.<country>` (ship-….quote.de, ….quote.fr, …):
  //          one handler must answer every country. The country is the last token of the subject
  //          the message arrived on (NatsContext).
  // TODO(3): the request carries the caller's id in the header REQUEST_ID ('x-request-id'): read it
  //          from the request's headers and put it in the reply as requestId.
  // TODO(4): after answering, publish QUOTE_ISSUED with the quote as data and the same
  //          x-request-id header (a NatsRecordBuilder), so that the audit can link it to the request.
  @MessagePattern(`${SHIP}.quote`)
  quote(@Payload() request: QuoteRequest): Quote {
    const country = 'de';
    return { country, kg: request.kg, price: priceFor(country, request.kg), instance: INSTANCE_ID };
  }
}
