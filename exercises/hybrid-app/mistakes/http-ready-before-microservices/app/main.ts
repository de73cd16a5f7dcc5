import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { TrimPipe } from './trim.pipe';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(new TrimPipe());

  // The TCP side of the same application: same module, same providers, same process.
  app.connectMicroservice<MicroserviceOptions>(
    { transport: Transport.TCP, options: { host: '127.0.0.1', port: Number(process.env.TCP_PORT) } },
    { inheritAppConfig: true }, // the global TrimPipe applies to message handlers too
  );

  app.startAllMicroservices();
  await app.listen(Number(process.env.HTTP_PORT));
}
bootstrap();
