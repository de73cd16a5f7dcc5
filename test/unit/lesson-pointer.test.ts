// A decorator type error points to the lesson section that explains it, in the learner's language.
import { afterEach, expect, test } from 'vitest';
import { lessonSectionFor } from '../../src/grading/lesson-pointer';
import { setLanguage } from '../../src/i18n/messages';

afterEach(() => setLanguage('en'));

test('TS1239 and TS1241 point to the tcp-basics section on decorators, in English and Ukrainian; an unexplained code to nothing', () => {
  expect(lessonSectionFor(1241, 'send-vs-emit')).toEqual({ lesson: 'tcp-basics', section: 'When TypeScript rejects a decorator' });
  expect(lessonSectionFor(1239)).toEqual({ lesson: 'tcp-basics', section: 'When TypeScript rejects a decorator' });
  expect(lessonSectionFor(2322)).toBeUndefined();
  setLanguage('uk');
  expect(lessonSectionFor(1241)).toEqual({ lesson: 'tcp-basics', section: 'Коли TypeScript відкидає декоратор' });
});
