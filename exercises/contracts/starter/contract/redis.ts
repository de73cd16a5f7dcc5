/** Where the Redis server is: host and port parsed from REDIS_URL (default redis://127.0.0.1:6379). */
export function redisConnection(): { host: string; port: number } {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}
