import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseRpcExceptionFilter, RpcException } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { BookingError } from './bookings.service';

/** Turns a BookingError into an error reply with its code. */
@Catch(BookingError)
export class RpcErrorsFilter extends BaseRpcExceptionFilter {
  catch(exception: BookingError, host: ArgumentsHost): Observable<unknown> {
    return super.catch(new RpcException({ code: exception.code, message: exception.message }), host);
  }
}
