/**
 * The harness's readings of a learner's code that behaviour cannot show: an emit() nobody waits for,
 * and how a RabbitMQ handler settles its message. Detectors of several exercises rely on them.
 */
import { describe, expect, test } from 'vitest';
import { settlingShapes } from '../../src/harness/settling';
import { clientCallsIn, patternsIn, unawaitedEmitsIn } from '../../src/harness/source-shapes';

describe('unawaitedEmitsIn', () => {
  test('an emit handed to firstValueFrom or lastValueFrom is awaited; a bare one, or one awaited directly, is not', () => {
    const code = `
      class Shop {
        async a() { await lastValueFrom(this.client.emit('order_created', order)); }
        async b() { await firstValueFrom(this.client.emit('order_created', order).pipe(timeout(500))); }
        async c() { this.client.emit('order_created', order); }
        async d() { await this.client.emit('order_paid', { id }); }
        e() { return lastValueFrom(items.map(() => this.client.emit('x', 1))[0]); }
        f() { this.events.emit('local'); }
      }`;
    expect(unawaitedEmitsIn(code)).toEqual(["this.client.emit('order_created', order)", "this.client.emit('order_paid', { id })", "this.client.emit('x', 1)"]);
  });
  test('a comment or a string that mentions emit( is not code', () => {
    expect(unawaitedEmitsIn("const s = \"client.emit('a', 1)\"; // client.emit('b', 2)")).toEqual([]);
  });
});

describe('clientCallsIn and patternsIn', () => {
  test("a client's send takes two arguments; Express's res.send(body) is not one", () => {
    expect(clientCallsIn("this.client.send('a', 1); res.send({ ok: true }); // client.send('b', 2)", 'send')).toEqual(["this.client.send('a', 1)"]);
  });
  test('a pattern built from the environment reads its ${…} as S; a name is kept as written', () => {
    const code = "class C { @EventPattern(`${SHOP}.order.*`) a() {} @MessagePattern('quote.de') b() {} @EventPattern(CHANNELS.price) c() {} }";
    expect(patternsIn(code)).toEqual(['S.order.*', 'quote.de', 'CHANNELS.price']);
  });
});

describe('settlingShapes', () => {
  const handler = (body: string) => `class C { @EventPattern('user_created') async handle(@Ctx() context: RmqContext) { const channel = context.getChannelRef(); const msg = context.getMessage(); ${body} } }`;

  test('a handler that acks after its work settles; one with no ack outside a catch does not', () => {
    expect(settlingShapes(handler('await save(); channel.ack(msg);')).handlersWithoutAck()).toEqual([]);
    expect(settlingShapes(handler('try { await save(); } catch { channel.nack(msg, false, false); }')).handlersWithoutAck()).toHaveLength(1);
  });
  test("a settle through the learner's own function counts (the lesson's ack(context))", () => {
    const code = `function ack(context: RmqContext) { context.getChannelRef().ack(context.getMessage()); }\n${handler('await save(); ack(context);')}`;
    expect(settlingShapes(code).handlersWithoutAck()).toEqual([]);
  });
  test('ack before the work, twice, all-up-to, requeue and unsettled failures are each read', () => {
    expect(settlingShapes(handler('channel.ack(msg); await save();')).settlesBeforeWork()).toHaveLength(1);
    expect(settlingShapes(handler('try { await save(); channel.ack(msg); } finally { channel.ack(msg); }')).settlesTwice()).toHaveLength(1);
    expect(settlingShapes(handler('await save(); channel.ack(msg, true);')).allUpTo()).toEqual(['channel.ack(msg, true)']);
    expect(settlingShapes(handler('try { await save(); channel.ack(msg); } catch { channel.nack(msg); }')).requeues()).toEqual(['channel.nack(msg)']);
    expect(settlingShapes(handler('try { await save(); channel.ack(msg); } catch { log(); }')).failuresUnsettled()).toHaveLength(1);
    expect(settlingShapes(handler('try { await save(); channel.ack(msg); } catch { channel.nack(msg, false, false); }')).failuresUnsettled()).toEqual([]);
  });
});
