import { FrameDecoder, parseNestPacket, type NestPacket } from '../../runner/fault-proxy';
import { patternText, type Link, type StreamDecoder } from './link';


/**
 * Nest's TCP transport: `send` is a frame with an id and a pattern (a request), `emit` one without an
 * id (an event); the service answers a request with frames carrying its id: `response`, or `err`, and
 * `isDisposed` on the last one.
 */
export class NestTcpDecoder implements StreamDecoder {
  private readonly fromCallerFrames = new FrameDecoder();
  private readonly fromTargetFrames = new FrameDecoder();
  /** Open requests of this connection: Nest's id → { seq, pattern, answered }. */
  private readonly open = new Map<string, { seq: number; pattern?: string; at: number; answered: boolean }>();

  constructor(private readonly link: Link) {}

  fromCaller(chunk: Buffer): void {
    const { recorder, caller, target } = this.link;
    for (const frame of this.fromCallerFrames.push(chunk)) {
      const packet = parseNestPacket(frame);
      if (!packet) continue;
      const pattern = patternText(packet.pattern);
      const isRequest = packet.id !== undefined && packet.id !== null;
      const seq = recorder.add({ from: caller, to: target, transport: 'tcp', kind: isRequest ? 'request' : 'event', pattern, payload: packet.data });
      if (isRequest) this.open.set(String(packet.id), { seq, pattern, at: recorder.now(), answered: false });
    }
  }

  fromTarget(chunk: Buffer): void {
    const { recorder, caller, target } = this.link;
    for (const frame of this.fromTargetFrames.push(chunk)) {
      const packet = parseNestPacket(frame);
      if (!packet || packet.id === undefined) continue;
      const request = this.open.get(String(packet.id));
      if (!request) continue;
      const last = packet.isDisposed === true || packet.err !== undefined;
      const hasAnswer = packet.err !== undefined || 'response' in packet;
      // The closing `{ isDisposed: true }` of an answered request adds nothing; of an unanswered one it is the (empty) answer.
      if (hasAnswer || !request.answered) {
        const isError = packet.err !== undefined;
        recorder.add({
          from: target,
          to: caller,
          transport: 'tcp',
          kind: isError ? 'error' : 'reply',
          pattern: request.pattern,
          payload: isError ? packet.err : packet.response,
          replyTo: request.seq,
          durationMs: recorder.now() - request.at,
        });
        request.answered = true;
      }
      if (last) this.open.delete(String(packet.id));
    }
  }
}
