import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../workspace/scaffold';

export interface FilesDigest {
  /** `sha256:<hex>` over every file's path (with /) and content, in sorted order. */
  digest: string;
  files: string[];
}

/**
 * Identifies the code in an exercise folder, so a teacher can tell which files a result belongs to:
 * the same files give the same digest on any machine. node_modules is left out.
 */
export function filesDigest(dir: string): FilesDigest {
  const files = listFiles(dir).map((f) => f.split(path.sep).join('/'));
  files.sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const content = readFileSync(path.join(dir, file));
    // Lengths keep "a" + "bc" apart from "ab" + "c".
    hash.update(`${file}\0${content.length}\0`).update(content).update('\0');
  }
  return { digest: `sha256:${hash.digest('hex')}`, files };
}
