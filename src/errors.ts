/** Exit codes of the command-line contract. */
export const ExitCode = { pass: 0, fail: 1, usage: 2 } as const;

/**
 * An error meant for the person at the terminal: `message` is what they read, `cause` keeps the
 * original error, `exitCode` is 2 for usage and environment problems.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly options: { cause?: unknown; hint?: string; exitCode?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
  }
  get exitCode(): number {
    return this.options.exitCode ?? ExitCode.usage;
  }
}
