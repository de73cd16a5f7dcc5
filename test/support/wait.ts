import { execa } from 'execa';

/** Polls `condition` until it holds or `timeoutMs` passes; the caller asserts afterwards. */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, intervalMs));
}

/** Live processes whose command line contains `text` (pgrep -af), pgrep itself left out. */
export async function processesMatching(text: string): Promise<string[]> {
  const r = await execa('pgrep', ['-af', text], { reject: false });
  return r.stdout.split('\n').filter((l) => l && !l.includes('pgrep'));
}
