/** Where the Redis server is: host and port parsed from REDIS_URL (default redis://127.0.0.1:6379). */
export function redisConnection(): { host: string; port: number } {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/**
 * Redis channels are shared by every client of the server, so every pattern of this app starts with
 * its own name (TASKS_CHANNEL; the checker gives each check a fresh one).
 */
const prefix = process.env.TASKS_CHANNEL ?? 'tasks';
export const TASK_PATTERNS = {
  add: `${prefix}.add_task`,
  list: `${prefix}.list_tasks`,
  whoami: `${prefix}.whoami`,
};
