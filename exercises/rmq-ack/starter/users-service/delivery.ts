import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';
import { MAX_ATTEMPTS, USER_QUEUE } from './rmq-config';

/** Our own attempt counter: RabbitMQ never changes a message's headers when it requeues it. */
export const ATTEMPT_HEADER = 'x-attempt';

const logger = new Logger('Delivery');

function delivery(context: RmqContext): { channel: Channel; message: Message } {
  return { channel: context.getChannelRef() as Channel, message: context.getMessage() as Message };
}

export function attemptOf(message: Message): number {
  // TODO(4): read ATTEMPT_HEADER from message.properties.headers (absent on the first attempt).
  void message;
  return 1;
}

/** The work is done: RabbitMQ may forget the message. */
export function ack(context: RmqContext): void {
  // TODO(3): acknowledge the message on the channel it came from.
  void delivery(context);
}

/**
 * The work failed. Either queue a copy for another attempt, or, after MAX_ATTEMPTS,
 * reject it without requeue so that the queue's dead-letter arguments move it to USER_DLQ.
 */
export function retryOrDeadLetter(context: RmqContext): 'retried' | 'dead-lettered' {
  // TODO(4): below MAX_ATTEMPTS, publish a copy of the message to USER_QUEUE with the next
  //          attempt number in its headers (keep its other properties: replyTo, correlationId),
  //          then ack the original. Otherwise nack it without requeue.
  //          A nack with requeue would not do: the copy RabbitMQ requeues keeps its old headers.
  void delivery(context);
  logger.warn(`${context.getPattern()}: failed; retry and dead-lettering are not written yet (max ${MAX_ATTEMPTS} attempts, ${USER_QUEUE})`);
  return 'dead-lettered';
}
