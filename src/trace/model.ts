/**
 * A recorded trace of one check or run: who exchanged which messages, in order. Recorded from the
 * outside (recording proxies in front of each service's port and each broker connection, the harness's
 * own clients), never by editing learner code. Saved as JSON under the workspace's state folder
 * (`.learn-nest-micro/traces/`) and rendered as a terminal sequence diagram or a self-contained HTML page.
 */
export const TRACE_VERSION = 1;

export type ParticipantKind = 'suite' | 'service' | 'broker' | 'client';

export interface Participant {
  /** Stable id used by events: a service name ("gateway"), "suite", or a broker ("rabbitmq"). */
  id: string;
  /** What the diagram prints at the top of the lifeline. */
  label: string;
  kind: ParticipantKind;
}

export type Transport = 'tcp' | 'http' | 'rmq' | 'redis' | 'nats' | 'mqtt' | 'grpc';

export type EventKind =
  | 'request' // a message that expects an answer (Nest `send`, an HTTP request, a gRPC unary call)
  | 'reply' // the answer to a request (see replyTo)
  | 'error' // an error answer, or a failed request
  | 'event' // a message that expects none (Nest `emit`)
  | 'publish' // a client published to a broker (exchange / routing key, subject, channel, topic)
  | 'deliver' // the broker delivered a message to a consumer
  | 'ack' // RabbitMQ basic.ack
  | 'nack' // RabbitMQ basic.nack (detail.requeue)
  | 'reject' // RabbitMQ basic.reject (detail.requeue)
  | 'dead-letter' // a message moved to a dead-letter exchange / queue
  | 'stream-item' // one item of a gRPC stream (either direction)
  | 'status' // a gRPC status at the end of a call
  | 'connect'
  | 'close';

export interface TraceEvent {
  /** 1, 2, 3 … in the order recorded. */
  seq: number;
  /** Milliseconds since the trace started. */
  atMs: number;
  /** Participant ids. */
  from: string;
  to: string;
  transport: Transport;
  kind: EventKind;
  /** The Nest pattern (as JSON text when it is an object), the topic, routing key, queue, subject or gRPC method. */
  pattern?: string;
  /** The full payload as decoded (a JSON value), or text when it is not JSON. Capped at 64 KiB of JSON text. */
  payload?: unknown;
  /** seq of the request (or publish) this event answers or follows. */
  replyTo?: number;
  /** For replies: milliseconds since the request. */
  durationMs?: number;
  /** Transport specifics: deliveryTag, requeue, multiple, redelivered, queue, exchange, grpc code … */
  detail?: Record<string, unknown>;
}

export interface TraceTest {
  name: string;
  status: 'pass' | 'fail' | 'skip';
  /** Milliseconds since the trace started; events in [startMs, endMs] belong to this test. */
  startMs: number;
  endMs: number;
}

export interface Trace {
  version: typeof TRACE_VERSION;
  exercise: string;
  /** ISO time the trace started. */
  startedAt: string;
  /** 'check' or 'run'. */
  source: 'check' | 'run';
  status?: 'pass' | 'fail';
  participants: Participant[];
  events: TraceEvent[];
  /** The hidden suite's tests with their time windows (checks only). */
  tests?: TraceTest[];
  /** Events not kept (a cap of 5,000 per trace), so the reader knows the trace is partial. */
  dropped?: number;
}
