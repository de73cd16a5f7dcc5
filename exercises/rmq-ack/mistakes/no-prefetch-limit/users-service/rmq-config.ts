import { RmqOptions, Transport } from '@nestjs/microservices';

// Every name comes from the environment, so two checks running at once never share a queue.
export const RMQ_URL = process.env.RMQ_URL ?? 'amqp://guest:guest@localhost:5672';
export const USER_QUEUE = process.env.USER_QUEUE ?? 'users';
export const AUDIT_QUEUE = process.env.AUDIT_QUEUE ?? 'audit';

// The contract of USER_QUEUE: every producer declares it with exactly these options too.
export const userQueueOptions = {
  durable: true,
};

export const usersTransport: RmqOptions = {
  transport: Transport.RMQ,
  options: {
    urls: [RMQ_URL],
    queue: USER_QUEUE,
    queueOptions: userQueueOptions,
    noAck: false,
  },
};

/** Injection token of the client that announces new users on AUDIT_QUEUE. */
export const AUDIT_CLIENT = 'AUDIT_CLIENT';
