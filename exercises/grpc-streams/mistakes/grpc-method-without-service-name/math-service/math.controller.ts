import { Controller, Logger } from '@nestjs/common';
import { GrpcMethod, GrpcStatus, GrpcStreamMethod, RpcException } from '@nestjs/microservices';
import { Observable, interval, map, scan, take, tap } from 'rxjs';
import { Numbers, Total, Value } from './math.types';

// One square every 100 ms: slow enough that a client's cancel can be seen in the logs.
const PACE_MS = 100;

@Controller()
export class MathController {
  private readonly logger = new Logger('Squares');

  @GrpcMethod()
  sum({ values }: Numbers): Total {
    rejectNegatives(values);
    return { running_total: values.reduce((total, v) => total + v, 0) };
  }

  @GrpcMethod('MathService', 'Squares')
  squares({ values }: Numbers): Observable<Value> {
    rejectNegatives(values);
    return interval(PACE_MS).pipe(
      take(values.length),
      map((i) => ({ value: values[i] * values[i] })),
      tap((square) => this.logger.log(`sending ${square.value}`)),
    );
  }

  @GrpcStreamMethod('MathService', 'RunningSum')
  runningSum(values$: Observable<Value>): Observable<Total> {
    return values$.pipe(
      scan((total, v) => total + v.value, 0),
      map((total) => ({ running_total: total })),
    );
  }
}

function rejectNegatives(values: number[]): void {
  const negative = values.find((v) => v < 0);
  if (negative !== undefined) {
    throw new RpcException({ code: GrpcStatus.INVALID_ARGUMENT, message: `negative numbers are not allowed: ${negative}` });
  }
}
