import { Module } from '@nestjs/common';
import { MathController } from './math.controller';

@Module({
  providers: [MathController],
})
export class MathModule {}
