import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { redisConnection } from './redis';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(new TrimPipe());

  // The Redis side of the same application: requests arrive through the Redis server, not a port of ours.
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.REDIS, options: redisConnection() },
    { inheritAppConfig: true }, // the global TrimPipe applies to message handlers too
  );

  await app.listen(Number(process.env.HTTP_PORT));
  await app.startAllMicroservices();
}
bootstrap();
