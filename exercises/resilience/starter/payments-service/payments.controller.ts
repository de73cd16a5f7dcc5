import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { CHARGE, type Charge, type ChargeRequest } from '../payments-contract';
import { Ledger } from './ledger';

@Controller()
export class PaymentsController {
  constructor(private readonly ledger: Ledger) {}

  @MessagePattern(CHARGE)
  async charge(@Payload() request: ChargeRequest): Promise<Charge> {
    const { paymentId, amount } = request ?? {};
    if (typeof paymentId !== 'string' || paymentId === '' || !Number.isInteger(amount) || amount <= 0) {
      throw new RpcException({ code: 'INVALID', message: 'A charge needs a paymentId (a non-empty string) and an amount in cents (a positive integer).' });
    }
    if (paymentId.startsWith('declined-')) {
      throw new RpcException({ code: 'DECLINED', message: `The card for ${paymentId} was declined.` });
    }
    return this.ledger.charge(paymentId, amount);
  }
}
