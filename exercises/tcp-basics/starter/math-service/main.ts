import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { MathModule } from './math.module';

// The math service is a microservice: no HTTP server, it answers TCP messages.
async function bootstrap(): Promise<void> {
  // TODO: create the app from MathModule with NestFactory's method for microservices (not create()),
  //       typed with MicroserviceOptions, using the TCP transport.
  //       - Listen on host '127.0.0.1' and on the port in the MATH_PORT environment variable: the
  //         checker picks a free port for every run, so never write a port number here.
  //       - Then start it listening, and wait for that.
  //       Until you do, this process ends at once without opening MATH_PORT.
}

void bootstrap();
