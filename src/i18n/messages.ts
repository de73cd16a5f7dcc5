import { en, type MessageKey } from './en/index';

export type { MessageKey };
export type Language = 'en' | 'uk';
export const supportedLanguages: readonly Language[] = ['en', 'uk'];

const catalogs: Record<Language, Partial<Record<MessageKey, string>>> = { en, uk: {} };
let current: Language = 'en';

/** Picks the language from an explicit choice, else from LANG (e.g. uk_UA.UTF-8), else English. */
export function setLanguage(lang?: string): Language {
  const wanted = (lang ?? process.env.LANG ?? 'en').slice(0, 2).toLowerCase();
  current = (supportedLanguages as readonly string[]).includes(wanted) ? (wanted as Language) : 'en';
  return current;
}

export function language(): Language {
  return current;
}

/**
 * How the learner runs the tool, for the commands messages suggest: `npx learn-nest-micro` when it was
 * started through npx or an npm script (npm sets npm_command), where a bare `learn-nest-micro` may not be
 * on the learner's PATH; in a workspace npx finds the tool offline through node_modules/.bin.
 */
export function invocation(env: NodeJS.ProcessEnv = process.env): string {
  return ['exec', 'run', 'run-script'].includes(env.npm_command ?? '') ? 'npx learn-nest-micro' : 'learn-nest-micro';
}

/** A message in the current language (English when not translated), with `{name}` filled in; `{cli}` is how to run the tool. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[current][key] ?? en[key];
  const values: Record<string, string | number> = { cli: invocation(), ...params };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
