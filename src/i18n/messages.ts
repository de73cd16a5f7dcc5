import { IntlMessageFormat } from 'intl-messageformat';
import { en, type MessageKey } from './en/index';
import { uk } from './uk/index';

export type { MessageKey };
export type Language = 'en' | 'uk';
export const supportedLanguages: readonly Language[] = ['en', 'uk'];

/** Every catalog has every key (the compiler checks it; test/unit/i18n-complete.test.ts checks parameters and plurals). */
export const catalogs: Record<Language, Record<MessageKey, string>> = { en, uk };
let current: Language = 'en';

/**
 * The course's language named by a flag, a setting or a locale (`uk`, `uk-UA`, `uk_UA.UTF-8`), or
 * undefined when the course does not have it.
 */
export function parseLanguage(value: string | undefined): Language | undefined {
  const code = value?.trim().slice(0, 2).toLowerCase();
  return (supportedLanguages as readonly string[]).includes(code ?? '') ? (code as Language) : undefined;
}

/** The language of the locale environment (LC_ALL, then LC_MESSAGES, then LANG), if the course has it. */
export function localeLanguage(env: NodeJS.ProcessEnv = process.env): Language | undefined {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG;
  return parseLanguage(locale);
}

export function setLanguage(lang: Language): Language {
  current = lang;
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

const compiled = new Map<string, IntlMessageFormat>();

/**
 * A message in the current language, formatted as ICU MessageFormat: `{name}` is a parameter,
 * `{count, plural, one {…} few {…} many {…} other {…}}` picks the language's plural form
 * (Intl.PluralRules). `{cli}` is how to run the tool.
 */
export function t(key: MessageKey, params: Record<string, string | number> = {}, lang: Language = current): string {
  const id = `${lang}:${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(catalogs[lang][key], lang, undefined, { ignoreTag: true });
    compiled.set(id, format);
  }
  return String(format.format({ cli: invocation(), ...params }));
}
