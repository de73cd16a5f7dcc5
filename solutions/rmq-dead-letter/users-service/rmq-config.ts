import { RmqOptions, Transport } from '@nestjs/microservices';

// Every name comes from the environment, so two checks running at once never share a queue.
export const RMQ_URL = process.env.RMQ_URL ?? 'amqp://guest:guest@localhost:5672';
export const USER_QUEUE = process.env.USER_QUEUE ?? 'users';
export const USER_DLQ = process.env.USER_DLQ ?? 'users.dead';
export const AUDIT_QUEUE = process.env.AUDIT_QUEUE ?? 'audit';

/** How many times one message is tried before it goes to the dead-letter queue. */
export const MAX_ATTEMPTS = 3;

// The contract of USER_QUEUE: every producer declares it with exactly these options too.
export const userQueueOptions = {
  durable: true,
  arguments: {
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': USER_DLQ,
  },
};

export const usersTransport: RmqOptions = {
  transport: Transport.RMQ,
  options: {
    urls: [RMQ_URL],
    queue: USER_QUEUE,
    queueOptions: userQueueOptions,
    noAck: false,
    prefetchCount: 10,
  },
};

/** Injection token of the client that announces new users on AUDIT_QUEUE. */
export const AUDIT_CLIENT = 'AUDIT_CLIENT';
