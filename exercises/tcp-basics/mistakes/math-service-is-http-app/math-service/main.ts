import { NestFactory } from '@nestjs/core';
import { MathModule } from './math.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(MathModule);
  await app.listen(Number(process.env.MATH_PORT), '127.0.0.1');
}

void bootstrap();
