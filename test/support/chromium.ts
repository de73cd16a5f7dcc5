import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium (`.ci/run` installs it), headless, with the flags this machine needs without a
 * network (no background requests, no component updates). Fails loudly where it is missing.
 */
export async function launchChromium(what: string): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`chromium is needed for ${what}: apt-get install chromium`);
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}
