import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Task, TasksService } from './tasks.service';

/** TCP: message patterns for other services, answered by the same process and the same TasksService. */
@Controller()
export class TasksMessagesController {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern({ cmd: 'add_task' })
  add(@Payload() data: { title: string }): Task {
    return this.tasks.add(data.title, 'tcp');
  }

  @MessagePattern({ cmd: 'list_tasks' })
  list(): Task[] {
    return this.tasks.list();
  }

  @MessagePattern({ cmd: 'whoami' })
  whoami(): { pid: number } {
    return { pid: process.pid };
  }
}
