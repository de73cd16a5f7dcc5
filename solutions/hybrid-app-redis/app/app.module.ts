import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller';
import { TasksMessagesController } from './tasks.messages.controller';
import { TasksService } from './tasks.service';

@Module({
  controllers: [TasksController, TasksMessagesController],
  providers: [TasksService],
})
export class AppModule {}
