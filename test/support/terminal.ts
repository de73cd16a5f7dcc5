import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { bin, fixtureContent } from './cli';

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The real CLI in a real pseudo-terminal: a tmux server of its own (a unique socket), driven with
 * send-keys and read with capture-pane. Every process the CLI starts carries a marker in its
 * environment, so that the test can tell whether any of them is still alive.
 */
export class Terminal {
  readonly socket = `lnm-e2e-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly marker = randomUUID();
  private lastScreen = '';

  constructor(
    args: string[],
    options: { cwd: string; content?: 'fixture' | 'real'; env?: Record<string, string>; cols?: number; rows?: number },
  ) {
    const env: Record<string, string> = { LNM_E2E_MARK: this.marker, ...(options.content === 'fixture' ? { LNM_CONTENT_ROOT: fixtureContent } : {}), ...options.env };
    // No editor, pager or colour settings of whoever runs the tests; the exit code is printed, then the pane stays.
    const command = [
      'env -u EDITOR -u VISUAL -u PAGER -u LESS -u NO_COLOR -u LNM_CONTENT_ROOT -u npm_command',
      ...Object.entries(env).map(([k, v]) => `${k}=${quote(v)}`),
      quote(process.execPath),
      quote(bin),
      ...args.map(quote),
      '; echo "[exit $?]"; exec sleep 3600',
    ].join(' ');
    const serverEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'TMUX')) as NodeJS.ProcessEnv;
    this.tmux(['-f', '/dev/null', 'new-session', '-d', '-s', 'lnm', '-x', String(options.cols ?? 120), '-y', String(options.rows ?? 40), '-c', options.cwd, command], serverEnv);
  }

  private tmux(args: string[], env: NodeJS.ProcessEnv = process.env): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', env });
  }

  /** What the terminal shows now, as text. */
  screen(): string {
    this.lastScreen = this.tmux(['capture-pane', '-p', '-t', 'lnm']);
    return this.lastScreen;
  }

  /** Whether the terminal shows its cursor (a program may hide it and forget to show it again). */
  cursorVisible(): boolean {
    return this.tmux(['display-message', '-p', '-t', 'lnm', '#{cursor_flag}']).trim() === '1';
  }

  /** Keys as tmux names them: 'Enter', 'Up', 'C-c', 'q', … */
  press(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'lnm', ...keys]);
  }

  /** Polls the screen until it shows `what`; fails with the last screen after `timeoutMs`. */
  async waitFor(what: string | RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (typeof what === 'string' ? screen.includes(what) : what.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`The terminal did not show ${String(what)} within ${timeoutMs / 1000}s. It shows:\n${screen}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Waits for the CLI to end and returns its exit code. */
  async exitCode(timeoutMs = 60_000): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/, timeoutMs);
    return Number(/\[exit (\d+)\]/.exec(screen)![1]);
  }

  /** Processes the CLI started (itself included) that are still alive, with their command lines. */
  processesLeft(): string[] {
    const left: string[] = [];
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        if (!readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`LNM_E2E_MARK=${this.marker}`)) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (/\) Z /.test(stat)) continue;
        left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
      } catch {
        // Gone while we looked, or not ours to read.
      }
    }
    return left;
  }

  /** Polls until every process the CLI started is gone; fails listing the survivors. */
  async noProcessLeft(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = this.processesLeft();
      if (left.length === 0) return;
      if (Date.now() > deadline) throw new Error(`Processes left behind:\n${left.join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  close(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
  }
}
