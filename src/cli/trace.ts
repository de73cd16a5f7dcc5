import path from 'node:path';
import type { Command } from 'commander';
import { t, language } from '../i18n/messages';
import { renderTraceHtml } from '../trace/render-html';
import { showTrace } from '../trace/show';
import { loadTrace, tracesDir } from '../trace/store';
import { readingWidth } from '../ui/pager';
import { writeFileAtomic } from '../workspace/atomic-write';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

/** `trace [id]`: the last (or a named) saved trace as a sequence diagram, or as a self-contained web page. */
export function registerTrace(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('trace [id]')
    .description(t('help.trace'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--html [file]', t('help.trace.html'))
    .option('--test <name-or-number>', t('help.trace.test'))
    .option('--all', t('help.trace.all'))
    .addHelpText('after', t('help.trace.after'))
    .action((id: string | undefined, opts: { dir?: string; html?: string | boolean; test?: string; all?: boolean }) => {
      const workspace = ctx.workspace(opts.dir);
      const loaded = loadTrace(workspace, id);
      if (opts.html !== undefined && opts.html !== false) {
        const file = path.resolve(typeof opts.html === 'string' ? opts.html : path.join(tracesDir(workspace), `${loaded.id}.html`));
        try {
          writeFileAtomic(file, renderTraceHtml(loaded.trace, { lang: language() }));
        } catch (error) {
          throw ctx.fileError(error) ?? error;
        }
        ctx.out(t('trace.htmlWritten', { file }));
        result.exitCode = 0;
        return;
      }
      ctx.out(showTrace(loaded.trace, { style: ctx.style, width: process.stdout.isTTY ? readingWidth() : 100, test: opts.test, all: opts.all }));
      result.exitCode = 0;
    });
}
