import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

@Controller()
export class MathController {
  private readonly logger = new Logger(MathController.name);

  @EventPattern({ cmd: 'sum' })
  sum(@Payload() numbers: number[]): number {
    const total = numbers.reduce((acc, n) => acc + n, 0);
    this.logger.log(`sum of [${numbers.join(', ')}] = ${total}`);
    return total;
  }
}
