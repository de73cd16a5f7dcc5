import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors';
import { t } from '../i18n/messages';
import type { Workspace } from '../workspace/workspace';
import { probeSandbox, type SandboxProbe } from './bwrap';

/** How to get bubblewrap, for the refusal message. */
export const BWRAP_INSTALL = 'sudo apt-get install bubblewrap   (Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap)';

/** Why no sandbox can be made here, in the reader's words; undefined when one can. */
export function sandboxProblem(probe: SandboxProbe = probeSandbox()): { message: string; hint: string } | undefined {
  if (probe.ok) return undefined;
  if (probe.reason === 'platform') return { message: t('sandbox.platform', { platform: process.platform }), hint: t('sandbox.platformHint') };
  if (probe.reason === 'missing') return { message: t('sandbox.missing'), hint: t('sandbox.installHint', { install: BWRAP_INSTALL }) };
  return { message: t('sandbox.refused', { detail: probe.detail ?? '' }), hint: t('sandbox.refusedHint') };
}

/**
 * The supervisor's sandbox settings for a check of this workspace, with the services' own compile
 * cache (nothing else reads it: the hidden suite's cache stays out of their reach).
 * Throws UserError (exit 2) where no sandbox can be made.
 */
export function requireSandbox(workspace: Workspace): { cacheDir: string; sandbox: { bwrap: string; workspaceRoot: string } } {
  const probe = probeSandbox();
  const problem = sandboxProblem(probe);
  if (!probe.ok || problem) throw new UserError(problem!.message, { hint: problem!.hint });
  const cacheDir = path.join(workspace.stateDir, 'sandbox-js');
  mkdirSync(cacheDir, { recursive: true });
  return { cacheDir, sandbox: { bwrap: probe.bwrap, workspaceRoot: workspace.root } };
}
