import { Controller } from '@nestjs/common';
import { TasksService } from './tasks.service';

/** TCP: message patterns for other services, answered by the same process and the same TasksService. */
@Controller()
export class TasksMessagesController {
  constructor(private readonly tasks: TasksService) {}

  // TODO: { cmd: 'add_task' } with payload { title }: add the task (via 'tcp') and reply with it.
  // TODO: { cmd: 'list_tasks' }: reply with every task, whichever transport added it.
  // TODO: { cmd: 'whoami' }: reply with { pid: process.pid }, like GET /whoami does.
}
