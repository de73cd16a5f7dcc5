import { Controller } from '@nestjs/common';
import { EMPTY, Observable } from 'rxjs';
import { Numbers, Total, Value } from './math.types';

@Controller()
export class MathController {
  // TODO: bind this handler to the rpc Sum of MathService (proto/math.proto).
  // TODO: a negative number is a bad request: fail with the gRPC status INVALID_ARGUMENT.
  sum(request: Numbers): Total {
    return { running_total: 0 };
  }

  // TODO: bind this handler to the rpc Squares and stream the squares of the values, one by one, in order:
  //  - one square every 100 ms (rxjs `interval`), so that a client's cancel can be seen;
  //  - log `sending <square>` with a Nest Logger at the moment each square goes out;
  //  - negative numbers fail with INVALID_ARGUMENT, before anything is sent.
  squares(request: Numbers): Observable<Value> {
    return EMPTY;
  }

  // TODO: bind this handler to the rpc RunningSum. Its requests arrive as a stream:
  // answer every value, as soon as it arrives, with the total of all values so far.
  runningSum(values$: Observable<Value>): Observable<Total> {
    return EMPTY;
  }
}
