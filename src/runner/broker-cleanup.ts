import type { Exercise } from '../catalog/catalog';

/**
 * Deletes the RabbitMQ queues and exchanges named by the exercise's `unique` env vars. Those names
 * belong to this check alone, so whatever the learner's services or the suite declared under them
 * can go, even when the suite never reached its own clean-up.
 */
export async function removeBrokerResources(exercise: Exercise, env: Record<string, string>): Promise<void> {
  const uniqueNames = Object.entries(exercise.manifest.env)
    .filter(([, spec]) => spec.kind === 'unique')
    .map(([name]) => env[name]);
  const rabbit = Object.entries(exercise.manifest.env).find(([, spec]) => spec.kind === 'broker' && spec.broker === 'rabbitmq');
  if (!rabbit || uniqueNames.length === 0) return;
  const amqp = await import('amqplib');
  let connection: Awaited<ReturnType<typeof amqp.connect>> | undefined;
  try {
    connection = await amqp.connect(env[rabbit[0]], { timeout: 3000 });
    connection.on('error', () => undefined);
    for (const name of uniqueNames) {
      for (const remove of ['deleteQueue', 'deleteExchange'] as const) {
        // A channel per call: deleting something that does not exist may close the channel.
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        await channel[remove](name).catch(() => undefined);
        await channel.close().catch(() => undefined);
      }
    }
  } catch {
    // Best effort: the broker may be gone; the names are unique, so leftovers never collide.
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
