import { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.TCP_PORT) },
  } as NestApplicationOptions);
  app.useGlobalPipes(new TrimPipe());

  await app.startAllMicroservices();
  await app.listen(Number(process.env.HTTP_PORT));
}
bootstrap();
