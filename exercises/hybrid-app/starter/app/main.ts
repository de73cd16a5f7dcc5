import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(new TrimPipe());

  // TODO: connect a TCP microservice to this same app, listening on the port in TCP_PORT, so that
  //       the message handlers run in this process, next to the HTTP routes. The global TrimPipe
  //       above must apply to the message handlers too (by default it does not).
  // TODO: start the connected microservice(s) before the HTTP server starts listening.

  await app.listen(Number(process.env.HTTP_PORT));
}
bootstrap();
