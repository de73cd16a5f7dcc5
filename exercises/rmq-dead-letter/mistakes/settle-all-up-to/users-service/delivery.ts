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
  const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1);
  return Number.isInteger(attempt) && attempt > 0 ? attempt : 1;
}

/** The work is done: RabbitMQ may forget the message. */
export function ack(context: RmqContext): void {
  const { channel, message } = delivery(context);
  channel.ack(message);
}

/** The work failed: take the message off the queue for good, without putting it back. */
export function reject(context: RmqContext): void {
  const { channel, message } = delivery(context);
  channel.nack(message, true, false);
  logger.error(`${context.getPattern()}: failed, rejected without requeue`);
}

/**
 * The work failed. Either queue a copy for another attempt, or, after MAX_ATTEMPTS,
 * reject it without requeue so that the queue's dead-letter arguments move it to USER_DLQ.
 */
export function retryOrDeadLetter(context: RmqContext): 'retried' | 'dead-lettered' {
  const { channel, message } = delivery(context);
  const attempt = attemptOf(message);
  if (attempt < MAX_ATTEMPTS) {
    const headers = { ...message.properties.headers, [ATTEMPT_HEADER]: attempt + 1 };
    // Publish the copy first, then ack the original: a crash in between duplicates, never loses.
    channel.sendToQueue(USER_QUEUE, message.content, { ...message.properties, headers });
    channel.ack(message);
    logger.warn(`${context.getPattern()}: attempt ${attempt} failed, queued attempt ${attempt + 1}`);
    return 'retried';
  }
  reject(context); // no requeue: the queue's dead-letter arguments move it to USER_DLQ
  return 'dead-lettered';
}
