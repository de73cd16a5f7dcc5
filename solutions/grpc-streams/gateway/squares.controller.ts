import { BadRequestException, Controller, Get, Inject, OnModuleInit, Query } from '@nestjs/common';
import { ClientGrpc, GrpcStatus } from '@nestjs/microservices';
import { Observable, catchError, lastValueFrom, map, throwError, toArray } from 'rxjs';

interface Numbers {
  values: number[];
}

interface Value {
  value: number;
}

// The calling side of MathService: camelCase method names, every call returns an Observable.
interface MathServiceClient {
  squares(request: Numbers): Observable<Value>;
}

@Controller()
export class SquaresController implements OnModuleInit {
  private math!: MathServiceClient;

  constructor(@Inject('MATH_PACKAGE') private readonly client: ClientGrpc) {}

  onModuleInit() {
    this.math = this.client.getService<MathServiceClient>('MathService');
  }

  // GET /squares?numbers=1,2,3 -> [1,4,9]
  @Get('squares')
  squares(@Query('numbers') numbers = ''): Promise<number[]> {
    return lastValueFrom(
      this.math.squares({ values: parseNumbers(numbers) }).pipe(
        map((square) => square.value),
        toArray(),
        catchError((err: { code?: number; details?: string }) =>
          throwError(() => (err.code === GrpcStatus.INVALID_ARGUMENT ? new BadRequestException(err.details) : err)),
        ),
      ),
    );
  }
}

function parseNumbers(list: string): number[] {
  return list
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(Number);
}
