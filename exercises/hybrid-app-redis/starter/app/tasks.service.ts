import { Injectable } from '@nestjs/common';

export interface Task {
  id: number;
  title: string;
  via: 'http' | 'redis';
}

/** One store for the whole process: both transports must read and write this same instance. */
@Injectable()
export class TasksService {
  private readonly tasks: Task[] = [];

  add(title: string, via: Task['via']): Task {
    const task: Task = { id: this.tasks.length + 1, title, via };
    this.tasks.push(task);
    return task;
  }

  list(): Task[] {
    return [...this.tasks];
  }
}
