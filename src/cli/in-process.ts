import { UserError } from '../errors';
import { language } from '../i18n/messages';
import { CommandContext } from './context';
import { buildProgram, type CommandResult } from './main';

export interface InProcessOutcome {
  exitCode: number;
  /** The learner-facing error the command ended with, if any. */
  error?: UserError;
}

/**
 * Runs one of the tool's commands inside this process, so that the start menu and watch reuse each
 * command as it is, with every rule it enforces (an assignment that forbids hints, say). Ctrl-C at
 * one of its prompts is rethrown for the caller to leave.
 */
export async function runInProcess(args: string[], ctx: CommandContext = new CommandContext()): Promise<InProcessOutcome> {
  const result: CommandResult = { exitCode: 0 };
  try {
    await buildProgram(ctx, result).parseAsync(['--lang', language(), ...args], { from: 'user' });
    return { exitCode: result.exitCode };
  } catch (error) {
    if (error instanceof UserError) return { exitCode: error.exitCode, error };
    throw error;
  }
}

/** A context whose output is collected instead of printed, e.g. a hint to show inside the watch screen. */
export class CapturingContext extends CommandContext {
  readonly lines: string[] = [];
  override out(text = ''): void {
    this.lines.push(text);
  }
  override warn(text: string): void {
    this.lines.push(this.style.yellow(text));
  }
}
