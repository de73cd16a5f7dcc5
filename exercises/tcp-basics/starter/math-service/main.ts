import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module';

// A microservice: no HTTP server, it listens for TCP messages on MATH_PORT, which the checker
// chooses for every run. Keep reading the port from process.env.
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(MathModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: Number(process.env.MATH_PORT) },
  });
  await app.listen();
}

void bootstrap();
