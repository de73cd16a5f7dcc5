import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, Ctx, EventPattern, MessagePattern, Payload, RmqContext, RpcException } from '@nestjs/microservices';
import { firstValueFrom, NEVER, Observable } from 'rxjs';
import { ack, retryOrDeadLetter } from './delivery';
import { AUDIT_CLIENT } from './rmq-config';
import { CreateUser, DeleteUser, User, UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    @Inject(AUDIT_CLIENT) private readonly audit: ClientProxy,
  ) {}

  @MessagePattern('user_create')
  async create(@Payload() data: CreateUser, @Ctx() context: RmqContext): Promise<User | Observable<never>> {
    try {
      const user = await this.users.create(data);
      await firstValueFrom(this.audit.emit('user_created', user));
      ack(context); // only now is the work, side effects included, really done
      return user;
    } catch (error) {
      if (retryOrDeadLetter(context) === 'retried') {
        return NEVER; // no reply yet: the copy carries replyTo and correlationId, and will answer
      }
      throw new RpcException(`user_create gave up: ${(error as Error).message}`);
    }
  }

  // NestJS 12 types `@EventPattern('literal')` so that extra parameters must be `unknown`;
  // the explicit <string> picks the plain overload and lets us take the RmqContext.
  @EventPattern<string>('user_deleted')
  async remove(@Payload() data: DeleteUser, @Ctx() context: RmqContext): Promise<void> {
    try {
      await this.users.remove(data);
      ack(context);
    } catch {
      retryOrDeadLetter(context);
    }
  }

  // With noAck: false every message on the queue needs an ack, queries included.
  @EventPattern({ cmd: 'users' })
  list(@Ctx() context: RmqContext) {
    ack(context);
    return this.users.snapshot();
  }
}
