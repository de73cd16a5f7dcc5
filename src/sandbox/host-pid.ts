/**
 * Preloaded (`node -r`) into a service inside the sandbox, before anything else. In its PID namespace
 * the service is pid 2, while the runner (and through it the hidden suite: `pid(service)`, signals)
 * knows it by its pid on the host. The runner writes that pid to LNM_HOST_PID_FILE as soon as the
 * process exists; this waits for it (a few milliseconds) and makes `process.pid` say it, so that what
 * the service reports about itself matches what the suite sees, as without a sandbox.
 */
import { readFileSync } from 'node:fs';

const file = process.env.LNM_HOST_PID_FILE;
if (file) {
  delete process.env.LNM_HOST_PID_FILE;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + 5000;
  for (;;) {
    let pid = NaN;
    try {
      pid = Number(readFileSync(file, 'utf8'));
    } catch {
      // Not written yet.
    }
    if (pid > 0) {
      Object.defineProperty(process, 'pid', { value: pid, enumerable: true, configurable: true });
      break;
    }
    if (Date.now() > deadline) break;
    Atomics.wait(pause, 0, 0, 5);
  }
}
