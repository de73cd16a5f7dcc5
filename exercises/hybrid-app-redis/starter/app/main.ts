import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(new TrimPipe());

  // TODO: connect a Redis microservice to this same app (redisConnection() in redis.ts gives host and
  //       port from REDIS_URL), so that the message handlers run in this process next to the HTTP
  //       routes. The global TrimPipe must apply to the message handlers too (by default it does not).
  // TODO: start the connected microservice(s) before the HTTP server starts listening.

  await app.listen(Number(process.env.HTTP_PORT));
}
bootstrap();
