import { ArgumentsHost, BadRequestException, Catch } from '@nestjs/common';
import { BaseRpcExceptionFilter, RpcException } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { BookingError } from './bookings.service';

/**
 * Turns what the handlers and the ValidationPipe throw into error replies with a code. Anything
 * else falls through to Nest's default: logged here, "Internal server error" for the caller.
 */
@Catch(BookingError, BadRequestException)
export class RpcErrorsFilter extends BaseRpcExceptionFilter {
  catch(exception: BookingError | BadRequestException, host: ArgumentsHost): Observable<unknown> {
    if (exception instanceof BookingError) {
      return super.catch(new RpcException(exception.message), host);
    }
    const details = exception.getResponse() as { message?: string | string[] };
    const problems = Array.isArray(details.message) ? details.message : [exception.message];
    return super.catch(new RpcException({ code: 'INVALID_PAYLOAD', message: problems.join('; '), problems }), host);
  }
}
