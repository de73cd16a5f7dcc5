import type { Command } from 'commander';
import { Catalog } from '../catalog/catalog';
import { runDoctor } from '../doctor/doctor';
import { ExitCode } from '../errors';
import { t } from '../i18n/messages';
import type { CommandContext } from './context';
import type { CommandResult } from './main';

export function registerDoctor(program: Command, ctx: CommandContext, result: CommandResult): void {
  program
    .command('doctor')
    .description(t('help.doctor'))
    .option('--dir <dir>', t('help.option.dir'))
    .option('--json', t('help.doctor.json'))
    .option('--fix', t('help.doctor.fix'))
    .addHelpText('after', t('help.doctor.after'))
    .action(async (opts: { dir?: string; json?: boolean; fix?: boolean }) => {
      const report = await runDoctor({ workspace: ctx.workspace(opts.dir), loadCatalog: () => new Catalog(), fix: opts.fix });
      result.exitCode = report.ok ? ExitCode.pass : ExitCode.fail;
      if (opts.json) {
        ctx.out(JSON.stringify(report, null, 2));
        return;
      }
      const s = ctx.style;
      ctx.out(s.bold(t('doctor.header')));
      for (const f of report.findings) {
        const mark = f.status === 'ok' ? s.green('✓') : f.status === 'problem' ? s.red('✗') : s.yellow('!');
        ctx.out(`  ${mark} ${f.status === 'problem' ? s.red(f.message) : f.message}`);
        if (f.fix && f.status !== 'ok') ctx.out(s.dim(`      ${t('doctor.fixLabel')}: `) + f.fix.replace(/\n/g, '\n      '));
      }
      const problems = report.findings.filter((f) => f.status === 'problem').length;
      ctx.out();
      ctx.out(problems === 0 ? s.green(t('doctor.allGood')) : s.red(t('doctor.problems', { count: problems })));
    });
}
