import { Controller } from '@nestjs/common';
import { TasksService } from './tasks.service';

/** Redis: message patterns for other services, answered by the same process and the same TasksService. */
@Controller()
export class TasksMessagesController {
  constructor(private readonly tasks: TasksService) {}

  // Use the patterns of TASK_PATTERNS (redis.ts): the checker sends to exactly those.
  // TODO: TASK_PATTERNS.add with payload { title }: add the task (via 'redis') and reply with it.
  // TODO: TASK_PATTERNS.list: reply with every task, whichever transport added it.
  // TODO: TASK_PATTERNS.whoami: reply with { pid: process.pid }, like GET /whoami does.
}
