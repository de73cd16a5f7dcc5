import { Command, CommanderError, Help } from 'commander';
import { ExitCode, UserError } from '../errors';
import { setLanguage, t } from '../i18n/messages';
import { interactive, isPromptExit } from '../ui/prompts';
import { untranslatedParts } from '../catalog/catalog';
import { CommandContext } from './context';
import { chooseLanguage } from './language';
import { registerAssign } from './assign';
import { registerGrade } from './grade';
import { registerReport } from './report';
import { registerCheck } from './check';
import { registerDev } from './dev';
import { registerDoctor } from './doctor';
import { registerHint } from './hint';
import { registerLesson } from './lesson';
import { registerList } from './list';
import { registerQuiz } from './quiz';
import { registerWatch } from './watch';
import { registerReset } from './reset';
import { registerRun } from './run';
import { registerScaffold } from './scaffold';
import { registerSolution } from './solution';
import { registerStart } from './start';
import { registerTrace } from './trace';
import { version } from './version';

/** Each command sets this to its exit code; commander only parses and dispatches. */
export interface CommandResult {
  exitCode: number;
}

export function buildProgram(ctx: CommandContext, result: CommandResult): Command {
  const titles: Record<string, string> = {
    'Usage:': t('help.title.usage'),
    'Options:': t('help.title.options'),
    'Commands:': t('help.title.commands'),
    'Arguments:': t('help.title.arguments'),
    'Global Options:': t('help.title.globalOptions'),
  };
  const defaultLabel = t('help.default', { value: '' }).trim();
  const program = new Command('learn-nest-micro')
    // Commander's own words in the help, in the chosen language too (set before any subcommand inherits it).
    .configureHelp({
      styleTitle: (title) => titles[title] ?? title,
      optionDescription(option) {
        return Help.prototype.optionDescription.call(this, option).replace(/\(default: /, `(${defaultLabel} `);
      },
    })
    .helpOption('-h, --help', t('help.helpOption'))
    .helpCommand('help [command]', t('help.helpCommand'))
    .description(t('help.program'))
    .version(version(), '-v, --version', t('help.versionOption'))
    .option('--lang <lang>', t('help.program.lang'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .addHelpText('after', t('help.program.after'));
  for (const register of [registerStart, registerList, registerLesson, registerScaffold, registerCheck, registerHint, registerSolution, registerReset, registerRun, registerTrace, registerWatch, registerQuiz, registerDoctor, registerDev, registerAssign, registerReport, registerGrade]) {
    register(program, ctx, result);
  }
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const ctx = new CommandContext();
  // Chosen before the program is built, so that --help and every message are in that language too.
  try {
    setLanguage(chooseLanguage(argv.slice(2)));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    process.stderr.write(ctx.style.red(error.message) + '\n');
    return error.exitCode;
  }
  const result: CommandResult = { exitCode: ExitCode.pass };
  const program = buildProgram(ctx, result);
  try {
    // No command: a person at a terminal gets the course (as `rustlings` does); a pipe or CI gets the help.
    const words = argv.slice(2).filter((a, i, all) => !a.startsWith('-') && all[i - 1] !== '--lang');
    if (words.length === 0 && !argv.slice(2).some((a) => /^(-h|--help|-v|--version)$/.test(a))) {
      if (interactive()) argv = [...argv, 'start'];
      else {
        process.stdout.write(program.helpInformation());
        return ExitCode.pass;
      }
    }
    await program.parseAsync(argv);
    const english = untranslatedParts();
    if (english.length > 0) ctx.warn(t('i18n.partial', { language: t('i18n.languageName'), parts: english.join(', ') }));
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? ExitCode.pass : ExitCode.usage;
    }
    // Ctrl-C at a prompt: leave quietly, as a signal would.
    if (isPromptExit(error)) return 130;
    if (error instanceof UserError) {
      process.stderr.write(ctx.style.red(error.message) + '\n');
      if (error.options.hint) process.stderr.write(error.options.hint + '\n');
      return error.exitCode;
    }
    // A disk that is read-only or full, a file where a folder belongs: one clear line, not a stack.
    const file = ctx.fileError(error);
    if (file) {
      process.stderr.write(ctx.style.red(file.message) + '\n');
      return file.exitCode;
    }
    process.stderr.write(`${t('error.internal')}\n${(error as Error)?.stack ?? String(error)}\n`);
    return ExitCode.usage;
  }
}
