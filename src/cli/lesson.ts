import type { Command } from 'commander';
import { t } from '../i18n/messages';
import { renderMarkdown } from '../ui/markdown';
import { readingWidth, showPaged } from '../ui/pager';
import { colorEnabled } from '../ui/style';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerLesson(program: Command, ctx: CommandContext, _result: CommandResult): void {
  program
    .command('lesson [id]')
    .description(t('help.lesson'))
    .option('--lang <lang>', t('help.lesson.lang'))
    .addHelpText('after', t('help.lesson.after'))
    .action(async (id: string | undefined) => {
      if (!id) {
        ctx.out(ctx.style.bold(t('lesson.list')));
        for (const l of ctx.catalog.lessons) ctx.out(`  ${String(l.meta.order).padStart(2)}. ${l.id.padEnd(16)} ${l.title}`);
        ctx.out();
        ctx.out(t('lesson.listHint', { id: ctx.catalog.lessons[0]?.id ?? '<id>' }));
        return;
      }
      const lesson = ctx.catalog.lesson(id);
      const exercise = lesson.meta.exercises[0];
      const next = lesson.hasQuiz() ? t('lesson.next', { id: exercise, lesson: lesson.id }) : t('lesson.nextNoQuiz', { id: exercise });
      const text = renderMarkdown(lesson.text(), { width: readingWidth(), color: colorEnabled() });
      await showPaged(`${text}\n${ctx.style.dim(next)}\n`);
    });
}
