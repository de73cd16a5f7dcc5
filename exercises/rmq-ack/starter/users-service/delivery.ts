import { Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';

const logger = new Logger('Delivery');

function delivery(context: RmqContext): { channel: Channel; message: Message } {
  return { channel: context.getChannelRef() as Channel, message: context.getMessage() as Message };
}

/** The work is done: RabbitMQ may forget the message. */
export function ack(context: RmqContext): void {
  // TODO(3): acknowledge the message on the channel it came from.
  void delivery(context);
}

/** The work failed: take the message off the queue for good, without putting it back. */
export function reject(context: RmqContext): void {
  // TODO(4): reject the message on its channel, without requeue. (A requeue would hand a message
  //          that always fails straight back to this service, forever.)
  void delivery(context);
  logger.error(`${context.getPattern()}: failed, rejected without requeue`);
}
