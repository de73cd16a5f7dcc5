import { Controller, Get, NotImplementedException, Query } from '@nestjs/common';

@Controller('math')
export class MathController {
  // TODO: inject the client registered in gateway.module.ts: a constructor parameter of type
  //       ClientProxy, asked for by its token with @Inject('MATH_SERVICE').

  // GET /math/sum?numbers=1,2,3 -> { "sum": 6 }
  @Get('sum')
  async sum(@Query('numbers') raw: unknown): Promise<{ sum: number }> {
    // TODO: turn `raw` into an array of numbers. Missing or empty means []. An item that is not a
    //       finite number (or `numbers` given twice) is a 400: throw BadRequestException.
    // TODO: ask the math service with client.send({ cmd: 'sum' }, numbers). send() is cold:
    //       nothing is sent until you subscribe, e.g. with firstValueFrom from rxjs.
    throw new NotImplementedException(`The gateway does not call the math service yet (numbers=${String(raw)})`);
  }
}
