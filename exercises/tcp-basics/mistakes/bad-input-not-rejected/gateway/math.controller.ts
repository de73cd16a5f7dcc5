import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

@Controller('math')
export class MathController {
  constructor(@Inject('MATH_SERVICE') private readonly math: ClientProxy) {}

  @Get('sum')
  async sum(@Query('numbers') raw = ''): Promise<{ sum: number }> {
    const numbers = raw === '' ? [] : raw.split(',').map(Number);
    const sum = await firstValueFrom(this.math.send<number, number[]>({ cmd: 'sum' }, numbers));
    return { sum };
  }
}
