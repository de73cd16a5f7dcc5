import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';

const logger = new Logger('Delivery');

function delivery(context: RmqContext): { channel: Channel; message: Message } {
  return { channel: context.getChannelRef() as Channel, message: context.getMessage() as Message };
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
