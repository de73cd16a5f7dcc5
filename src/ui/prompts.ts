/** True when the learner pressed Ctrl-C (or closed the terminal) at an @inquirer prompt. */
export function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/** Prompts need a person at a terminal: both ends must be a TTY. */
export function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}
