// TODO: an exception filter for this microservice, so that callers receive error replies with a
//       `code` they can act on:
//       - a BookingError (bookings.service.ts) -> { code: <its code>, message }
//       - the exception the validation throws -> { code: 'INVALID_PAYLOAD', message }
//       Everything else may keep Nest's default ("Internal server error", logged here).
//       Decorate the class with @Catch(...) naming the classes it handles; the filter
//       BaseRpcExceptionFilter (@nestjs/microservices) already knows how to send an RpcException.
export class RpcErrorsFilter {}
