import type { Command } from 'commander';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerLesson(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('lesson <id>')
    .description('print a lesson')
    .option('--lang <lang>', 'language of the lesson (en, uk)')
    .addHelpText('after', '\nExample:\n  $ learn-nest-micro lesson tcp-basics | less')
    .action((id: string) => {
      const lesson = ctx.catalog.lesson(id);
      ctx.out(lesson.text().trimEnd());
      ctx.out();
      ctx.out(ctx.style.dim(`Next: learn-nest-micro scaffold ${lesson.meta.exercises[0]}`));
    });
}
