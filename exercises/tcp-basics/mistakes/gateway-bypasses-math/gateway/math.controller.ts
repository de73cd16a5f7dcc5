import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';

@Controller('math')
export class MathController {
  constructor(@Inject('MATH_SERVICE') private readonly math: ClientProxy) {}

  @Get('sum')
  sum(@Query('numbers') raw = ''): { sum: number } {
    const numbers = raw === '' ? [] : raw.split(',').map(Number);
    if (numbers.some((n) => !Number.isFinite(n))) {
      throw new BadRequestException('numbers must be numbers');
    }
    return { sum: numbers.reduce((acc, n) => acc + n, 0) };
  }
}
