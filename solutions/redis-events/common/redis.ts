import { Redis } from 'ioredis';

/** Where the Redis server is: host and port parsed from REDIS_URL (default redis://127.0.0.1:6379). */
export function redisConnection(): { host: string; port: number } {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** Which process this is: the runner starts some services twice, as `<service>-1` and `<service>-2`. */
export const INSTANCE = process.env.INSTANCE_ID ?? 'local';

let records: Redis | undefined;

/** A plain Redis connection for the services' own records (not for messages: Nest has its own). */
export function recordStore(): Redis {
  records ??= new Redis(redisConnection());
  return records;
}
