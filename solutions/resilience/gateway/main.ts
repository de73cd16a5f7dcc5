import { NestFactory } from '@nestjs/core';
import { GatewayModule } from './gateway.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(GatewayModule);
  await app.listen(Number(process.env.GATEWAY_PORT), '127.0.0.1');
}

void bootstrap();
