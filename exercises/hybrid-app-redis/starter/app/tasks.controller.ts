import { Body, Controller, Get, Post } from '@nestjs/common';
import { Task, TasksService } from './tasks.service';

/** HTTP: routes for browsers and other HTTP clients. */
@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post('tasks')
  add(@Body() body: { title: string }): Task {
    return this.tasks.add(body.title, 'http');
  }

  @Get('tasks')
  list(): Task[] {
    return this.tasks.list();
  }

  @Get('whoami')
  whoami(): { pid: number } {
    return { pid: process.pid };
  }
}
