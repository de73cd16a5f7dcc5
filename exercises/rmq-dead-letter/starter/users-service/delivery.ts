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
  // TODO(3): read ATTEMPT_HEADER from the message's headers (absent on the first attempt: 1).
  void message;
  return 1;
}

/** The work is done: RabbitMQ may forget the message. */
export function ack(context: RmqContext): void {
  const { channel, message } = delivery(context);
  channel.ack(message);
}

/** The work failed: take the message off the queue for good, without putting it back. */
export function reject(context: RmqContext): void {
  const { channel, message } = delivery(context);
  channel.nack(message, false, false);
  logger.error(`${context.getPattern()}: failed, rejected without requeue`);
}

/**
 * The work failed. Either queue a copy for another attempt, or, after MAX_ATTEMPTS,
 * reject it without requeue so that the queue's dead-letter arguments move it to USER_DLQ.
 */
export function retryOrDeadLetter(context: RmqContext): 'retried' | 'dead-lettered' {
  // TODO(3): below MAX_ATTEMPTS, publish a copy of the message to USER_QUEUE with the next
  //          attempt number in its headers (keep its other properties: replyTo, correlationId,
  //          deliveryMode), then ack the original. Otherwise reject it.
  //          A nack with requeue would not do: the message RabbitMQ requeues keeps its old headers.
  logger.warn(`${context.getPattern()}: retries are not written yet (max ${MAX_ATTEMPTS} attempts, ${USER_QUEUE})`);
  reject(context);
  return 'dead-lettered';
}
