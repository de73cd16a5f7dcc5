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

/** A message in the current language (English when not translated), with `{name}` filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[current][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
