import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { Catalog } from '../../src/catalog/catalog';
import { contentDirs } from '../../src/paths';
import { gradeClass } from '../../src/teacher/class-grader';
import { renderGradebookMarkdown } from '../../src/teacher/gradebook-reporters/markdown';
import { readStudentActivity } from '../../src/teacher/student-activity';
import { MAX_PROGRESS_BYTES } from '../../src/workspace/progress-store';
import { fixtureContent, tempDir } from '../support/cli';

function student(root: string, name: string, progress?: string): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, '.learn-nest-micro'), { recursive: true });
  if (progress !== undefined) writeFileSync(path.join(dir, '.learn-nest-micro', 'progress.json'), progress);
  return dir;
}

const progress = (exercises: Record<string, object>) => JSON.stringify({ version: 1, exercises });

test('a student’s attempts and hints come from their progress file, read without changing it; anything odd gives nothing', () => {
  const root = tempDir('lnm-activity-');
  const good = student(root, 'ada', progress({ echo: { attempts: 4, passes: 1, hintsUsed: 2 }, 'echo-twice': { attempts: 1 } }));
  expect(readStudentActivity(good)).toEqual(new Map([['echo', { attempts: 4, hintsUsed: 2 }], ['echo-twice', { attempts: 1, hintsUsed: 0 }]]));
  // A number that is not a count counts as 0; the rest of the file still tells.
  expect(readStudentActivity(student(root, 'odd', progress({ echo: { attempts: -3, hintsUsed: 'many' } })))?.get('echo')).toEqual({ attempts: 0, hintsUsed: 0 });

  expect(readStudentActivity(student(root, 'none'))).toBeUndefined();
  const broken = student(root, 'broken', '{ not json');
  expect(readStudentActivity(broken)).toBeUndefined();
  // Unlike the learner's own commands, grading never sets a broken file aside: the folder is not ours.
  expect(readFileSync(path.join(broken, '.learn-nest-micro', 'progress.json'), 'utf8')).toBe('{ not json');
  expect(readStudentActivity(student(root, 'huge', progress({ echo: { attempts: 1 }, pad: { x: 'x'.repeat(MAX_PROGRESS_BYTES) } })))).toBeUndefined();
  // A link could point at any file of the teacher's: not followed.
  const linked = student(root, 'linked');
  symlinkSync(path.join(good, '.learn-nest-micro', 'progress.json'), path.join(linked, '.learn-nest-micro', 'progress.json'));
  expect(readStudentActivity(linked)).toBeUndefined();
});

test('grading carries each student’s attempts and hints into the gradebook, and the Markdown gradebook shows them', async () => {
  const catalog = new Catalog({ lessons: path.join(fixtureContent, 'lessons'), exercises: path.join(fixtureContent, 'exercises'), solutions: path.join(fixtureContent, 'solutions'), workspaceTemplate: contentDirs.workspaceTemplate });
  const root = tempDir('lnm-activity-grade-');
  // Nothing submitted: no check runs, and the progress files still tell how much each one tried.
  const ada = student(root, 'ada', progress({ echo: { attempts: 5, hintsUsed: 3 }, 'echo-twice': { attempts: 2, hintsUsed: 1 } }));
  const bob = student(root, 'bob');
  const students = await gradeClass({ catalog, workspaces: [ada, bob], exercises: [{ id: 'echo', points: 10 }, { id: 'echo-twice', points: 5 }], jobs: 1 });
  expect(students[0].results.map((r) => r.activity)).toEqual([{ attempts: 5, hintsUsed: 3 }, { attempts: 2, hintsUsed: 1 }]);
  expect(students[1].results.map((r) => r.activity)).toEqual([undefined, undefined]);
  expect(students[0].points).toBe(0);

  const md = renderGradebookMarkdown({ version: '1.0.0', exercises: [{ id: 'echo', points: 10 }, { id: 'echo-twice', points: 5 }], students }, root);
  expect(md).toContain('| student | echo (10) | echo-twice (5) | attempts | hints | points |');
  expect(md).toContain('| ada | – 0 | – 0 | 7 | 4 | 0 / 15 |');
  expect(md).toContain('| bob | – 0 | – 0 | – | – | 0 / 15 |');
  expect(md).toContain('never part of the grade');
});
