import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  // TODO: register TasksMessagesController here too, so that it shares this module's TasksService.
  controllers: [TasksController],
  providers: [TasksService],
})
export class AppModule {}
