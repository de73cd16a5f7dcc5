import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';

@Controller('math')
export class MathController {
  constructor(private readonly math: ClientProxy) {}

  // GET /math/sum?numbers=1,2,3 -> { "sum": 6 }
  @Get('sum')
  async sum(@Query('numbers') raw: unknown): Promise<{ sum: number }> {
    const numbers = parseNumbers(raw);
    const sum = await firstValueFrom(this.math.send<number, number[]>({ cmd: 'sum' }, numbers));
    return { sum };
  }
}

// Rejects bad input here, at the HTTP edge: NaN would cross the wire as null.
function parseNumbers(raw: unknown): number[] {
  if (raw === undefined || raw === '') {
    return [];
  }
  if (typeof raw !== 'string') {
    throw new BadRequestException('Give numbers once, as a comma-separated list: ?numbers=1,2,3');
  }
  return raw.split(',').map((item) => {
    const n = Number(item);
    if (item.trim() === '' || !Number.isFinite(n)) {
      throw new BadRequestException(`"${item}" is not a number; expected ?numbers=1,2,3`);
    }
    return n;
  });
}
