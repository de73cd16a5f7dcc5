import { Module } from '@nestjs/common';
import { TasksMessagesController } from './tasks.messages.controller';
import { TasksService } from './tasks.service';

@Module({
  controllers: [TasksMessagesController],
  providers: [TasksService],
})
export class MessagesModule {}
