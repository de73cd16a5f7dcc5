import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { CHARGE, type Charge, type ChargeRequest } from '../payments-contract';
import { withRetries } from './call-policy';
import { toHttpError } from './http-errors';

@Controller('payments')
export class PaymentsController {
  constructor(@Inject('PAYMENTS') private readonly payments: ClientProxy) {}

  // POST /payments { paymentId, amount } -> 201 and the charge, or the error toHttpError chose.
  @Post()
  async create(@Body() body: ChargeRequest): Promise<Charge> {
    const request: ChargeRequest = { paymentId: body?.paymentId, amount: body?.amount };
    try {
      return await firstValueFrom(withRetries(this.payments.send<Charge, ChargeRequest>(CHARGE, request)));
    } catch (error) {
      throw toHttpError(error);
    }
  }
}
