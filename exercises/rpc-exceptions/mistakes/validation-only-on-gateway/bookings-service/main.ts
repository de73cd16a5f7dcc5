import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { BookingsModule } from './bookings.module';
import { RpcErrorsFilter } from './rpc-errors.filter';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(BookingsModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.BOOKINGS_PORT) },
  });
  app.useGlobalFilters(new RpcErrorsFilter());
  await app.listen();
}

void bootstrap();
