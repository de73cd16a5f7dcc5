import type { Command } from 'commander';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import { askQuiz, renderQuizPlain } from '../quiz/ask-quiz';
import { interactive } from '../ui/prompts';
import { colorEnabled } from '../ui/style';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerQuiz(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('quiz <id>')
    .description(t('help.quiz'))
    .option('--dir <dir>', t('help.quiz.dir'))
    .option('--lang <lang>', t('help.quiz.lang'))
    .addHelpText('after', t('help.quiz.after'))
    .action(async (id: string, opts: { dir?: string }) => {
      const lesson = ctx.catalog.lesson(id);
      if (!lesson.hasQuiz()) throw new UserError(t('quiz.none', { id }));
      if (!interactive()) {
        ctx.out(renderQuizPlain(lesson));
        return;
      }
      const score = await askQuiz(lesson, ctx.style, (text) => ctx.out(text), colorEnabled());
      const workspace = ctx.workspace(opts.dir);
      workspace.ensure();
      ctx.progress(workspace).update(lesson.id, (p) => (p.quiz = { ...score, at: new Date().toISOString() }), false);
      ctx.out(ctx.style.dim(t('quiz.saved', { dir: workspace.root })));
    });
}
