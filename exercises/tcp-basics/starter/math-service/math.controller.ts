import { Controller } from '@nestjs/common';

@Controller()
export class MathController {
  // TODO: make this method answer the messages whose pattern is { cmd: 'sum' }.
  //       A microservice has no URLs: the decorator comes from @nestjs/microservices,
  //       and the message's data (an array of numbers) is the payload.
  // TODO: return the sum of the numbers; the empty array sums to 0.
  sum(numbers: number[]): number {
    return 0;
  }
}
