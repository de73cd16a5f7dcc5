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

const fileCauses: Record<string, string> = {
  EROFS: 'fs.readOnly',
  EACCES: 'fs.denied',
  EPERM: 'fs.denied',
  ENOSPC: 'fs.full',
  EDQUOT: 'fs.full',
  ENOTDIR: 'fs.notAFolder',
  EEXIST: 'fs.notAFolder',
  EISDIR: 'fs.isAFolder',
};

/**
 * The cause of a failed file operation in a learner's words (read-only, full, not a folder…), as a
 * message key and the path it concerns; undefined for anything else.
 */
export function fileErrorCause(error: unknown): { cause: string; path: string } | undefined {
  const e = error as NodeJS.ErrnoException;
  const cause = e && typeof e.code === 'string' ? fileCauses[e.code] : undefined;
  return cause && e.path ? { cause, path: e.path } : undefined;
}
