import { Controller, Get, Query } from '@nestjs/common';

interface Numbers {
  values: number[];
}

interface Value {
  value: number;
}

// TODO: describe the calling side of MathService (camelCase method names, each returning an Observable),
// inject the gRPC client registered in GatewayModule and get the MathService from it in onModuleInit().

@Controller()
export class SquaresController {
  // GET /squares?numbers=1,2,3 -> [1,4,9]
  @Get('squares')
  async squares(@Query('numbers') numbers = ''): Promise<number[]> {
    const request: Numbers = { values: parseNumbers(numbers) };
    // TODO: call Squares with the request and collect the streamed values into an array.
    // TODO: when Squares fails with INVALID_ARGUMENT, answer 400 Bad Request with the error's details.
    return [];
  }
}

function parseNumbers(list: string): number[] {
  return list
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(Number);
}
