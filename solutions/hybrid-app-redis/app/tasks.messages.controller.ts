import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { TASK_PATTERNS } from './redis';
import { Task, TasksService } from './tasks.service';

/** Redis: message patterns for other services, answered by the same process and the same TasksService. */
@Controller()
export class TasksMessagesController {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern(TASK_PATTERNS.add)
  add(@Payload() data: { title: string }): Task {
    return this.tasks.add(data.title, 'redis');
  }

  @MessagePattern(TASK_PATTERNS.list)
  list(): Task[] {
    return this.tasks.list();
  }

  @MessagePattern(TASK_PATTERNS.whoami)
  whoami(): { pid: number } {
    return { pid: process.pid };
  }
}
