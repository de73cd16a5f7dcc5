import { Module } from '@nestjs/common';
import { MessagesModule } from './messages.module';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [MessagesModule],
  controllers: [TasksController],
  providers: [TasksService],
})
export class AppModule {}
