import { Controller, Inject } from '@nestjs/common';
import { ClientProxy, Ctx, EventPattern, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { AUDIT_CLIENT } from './rmq-config';
import { CreateUser, DeleteUser, User, UsersService } from './users.service';

@Controller()
export class UsersController {
  constructor(
    private readonly users: UsersService,
    @Inject(AUDIT_CLIENT) private readonly audit: ClientProxy,
  ) {}

  // TODO(5): take the RmqContext (@Ctx() context: RmqContext) and acknowledge only after the work
  //          and the audit event are done. When the work fails, reject the message and throw an
  //          RpcException, so the caller learns that it failed.
  @MessagePattern('user_create')
  async create(@Payload() data: CreateUser): Promise<User> {
    const user = await this.users.create(data);
    await firstValueFrom(this.audit.emit('user_created', user));
    return user;
  }

  // TODO(5): same for this event (no reply to send). Note: to add an RmqContext parameter, write
  //          @EventPattern<string>('user_deleted'), or the NestJS 12 typings reject it.
  @EventPattern('user_deleted')
  async remove(@Payload() data: DeleteUser): Promise<void> {
    await this.users.remove(data);
  }

  // TODO(5): with noAck: false every message on the queue needs an ack, this query included.
  @MessagePattern({ cmd: 'users' })
  list() {
    return this.users.snapshot();
  }
}
