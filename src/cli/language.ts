import { ExitCode, UserError } from '../errors';
import { localeLanguage, parseLanguage, supportedLanguages, t, type Language } from '../i18n/messages';
import { workspaceAssignment } from '../teacher/assignment';
import { resolveWorkspace, WORKSPACE_MARKER } from '../workspace/workspace';
import path from 'node:path';

/** The value of `--name value` or `--name=value` anywhere on the command line. */
function optionValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

/** `uk`, `en`, or a locale of either (`uk-UA`, `uk_UA.UTF-8`); anything else is not a language of the course. */
function strictLanguage(value: string): Language | undefined {
  return /^[a-z]{2}([-_].*)?$/i.test(value.trim()) ? parseLanguage(value) : undefined;
}

function unknownLanguage(value: string, where?: string): UserError {
  const message = t('error.unknownLanguage', { lang: value, languages: supportedLanguages.join(', ') });
  return new UserError(where ? `${where}: ${message}` : message, { exitCode: ExitCode.usage });
}

/**
 * The language of this command, decided before anything is printed (help included): `--lang`, then the
 * workspace's setting, then its assignment's language, then the locale (LC_ALL, LC_MESSAGES, LANG),
 * then English. A language the course does not have is an error (exit 2) when it was asked for; a
 * locale the course does not have just means English.
 */
export function chooseLanguage(argv: string[], env: NodeJS.ProcessEnv = process.env): Language {
  const flag = optionValue(argv, '--lang');
  if (flag !== undefined) {
    const chosen = strictLanguage(flag);
    if (!chosen) throw unknownLanguage(flag);
    return chosen;
  }
  const workspace = resolveWorkspace(optionValue(argv, '--dir'));
  if (workspace.exists) {
    let config: ReturnType<typeof workspace.config> | undefined;
    try {
      config = workspace.config();
    } catch {
      // A broken settings file is reported by the command itself, in the language chosen without it.
    }
    if (config?.language) {
      const chosen = strictLanguage(config.language);
      if (!chosen) throw unknownLanguage(config.language, path.join(workspace.root, WORKSPACE_MARKER));
      return chosen;
    }
    try {
      const fromAssignment = workspaceAssignment(workspace)?.assignment.language;
      if (fromAssignment) return strictLanguage(fromAssignment) ?? 'en';
    } catch {
      // A missing or invalid assignment is reported by the commands that use it.
    }
  }
  return localeLanguage(env) ?? 'en';
}
