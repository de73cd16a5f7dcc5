import { Catalog } from '../catalog/catalog';

/**
 * The lesson section that explains a TypeScript error code (a section that names `TS1241`, say), in
 * the learner's language: the exercise's own lesson first, then every lesson in teaching order.
 */
export function lessonSectionFor(code: number, ownLesson?: string): { lesson: string; section: string } | undefined {
  let catalog: Catalog;
  try {
    catalog = new Catalog();
  } catch {
    return undefined;
  }
  const lessons = [...catalog.lessons].sort((a, b) => Number(b.id === ownLesson) - Number(a.id === ownLesson));
  const mention = new RegExp(`\\bTS${code}\\b`);
  for (const lesson of lessons) {
    let heading: string | undefined;
    let inCode = false;
    for (const line of lesson.text().split('\n')) {
      if (line.startsWith('```')) inCode = !inCode;
      if (!inCode && /^#{2,4} /.test(line)) heading = line.replace(/^#+\s*/, '');
      else if (heading && !inCode && mention.test(line)) return { lesson: lesson.id, section: heading };
    }
  }
  return undefined;
}
