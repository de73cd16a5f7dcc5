import { Controller } from '@nestjs/common';
import { Claims } from './claims';
import { Outbox } from './outbox';

@Controller()
export class OrdersController {
  constructor(
    private readonly claims: Claims,
    private readonly outbox: Outbox,
  ) {}

  // TODO: one handler for every event on a channel `<SHOP>.order.<what happened>`: order.placed,
  //       order.cancelled, and any kind the shop adds later. Mail each one with
  //       outbox.send(<the concrete channel it arrived on>, order).
  // TODO: the runner starts the mailer twice (mailer-1, mailer-2), and a customer must get each mail
  //       once, whichever instances are running. claims.ts has what you need.
}
