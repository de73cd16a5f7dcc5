import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const port = Number(process.env.HTTP_PORT);
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(new TrimPipe());

  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
    { inheritAppConfig: true },
  );

  await app.startAllMicroservices();
  await app.listen(port);
}
bootstrap();
