import { Catalog } from '../catalog/catalog';
import { language } from '../i18n/messages';

/** Per lesson, in teaching order: the first section that names each TypeScript error code (`TS1241`, say). */
type Mentions = { lesson: string; sections: Map<number, string> }[];

// Read once per command and language: a check with several type errors, or watch's next check, asks again.
const indexes = new Map<string, Mentions | undefined>();

function mentions(): Mentions | undefined {
  const lang = language();
  if (indexes.has(lang)) return indexes.get(lang);
  let index: Mentions | undefined;
  try {
    index = new Catalog().lessons.map((lesson) => {
      const sections = new Map<number, string>();
      let heading: string | undefined;
      let inCode = false;
      for (const line of lesson.text().split('\n')) {
        if (line.startsWith('```')) inCode = !inCode;
        if (!inCode && /^#{2,4} /.test(line)) heading = line.replace(/^#+\s*/, '');
        else if (heading && !inCode) for (const m of line.matchAll(/\bTS(\d+)\b/g)) if (!sections.has(Number(m[1]))) sections.set(Number(m[1]), heading);
      }
      return { lesson: lesson.id, sections };
    });
  } catch {
    index = undefined;
  }
  indexes.set(lang, index);
  return index;
}

/**
 * The lesson section that explains a TypeScript error code, in the learner's language: the exercise's
 * own lesson first, then every lesson in teaching order.
 */
export function lessonSectionFor(code: number, ownLesson?: string): { lesson: string; section: string } | undefined {
  const lessons = [...(mentions() ?? [])].sort((a, b) => Number(b.lesson === ownLesson) - Number(a.lesson === ownLesson));
  for (const { lesson, sections } of lessons) {
    const section = sections.get(code);
    if (section) return { lesson, section };
  }
  return undefined;
}
