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
  const text = catalogs[lang][key];
  // Most messages have no parameter, plural or quoting: they are their own text. Compiling each one
  // (the help alone has a hundred) cost a tenth of a second of every command.
  if (!/[{}]|''/.test(text)) return text;
  const id = `${lang}:${key}`;
  let format = compiled.get(id);
  if (!format) {
    format = new IntlMessageFormat(text, lang, undefined, { ignoreTag: true });
    compiled.set(id, format);
  }
  const values: Record<string, string | number> = { cli: invocation(), ...params };
  try {
    return String(format.format(values));
  } catch {
    // A parameter the caller did not give stays visible as {name} rather than failing the command.
    return catalogs[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
  }
}

/**
 * A message of the current language as a pattern that matches any of its formatted texts: each
 * parameter or plural block matches anything (to recognise a message in a child check's output).
 */
export function messagePattern(key: MessageKey, lang: Language = current): RegExp {
  const template = catalogs[lang][key];
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts: string[] = [];
  let literal = '';
  let depth = 0;
  for (const char of template) {
    if (char === '{') {
      if (depth === 0) {
        parts.push(escape(literal));
        literal = '';
      }
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) parts.push('.*');
    } else if (depth === 0) literal += char;
  }
  parts.push(escape(literal));
  return new RegExp(parts.join(''));
}
