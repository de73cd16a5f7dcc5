import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, type Dirent } from 'node:fs';
import path from 'node:path';

export interface FilesDigest {
  /** `sha256:<hex>` over every entry's path (with /) and content, in sorted order. */
  digest: string;
  files: string[];
}

/**
 * Identifies the code in an exercise folder, so a teacher can tell which files a result belongs to:
 * the same files give the same digest on any machine. It covers everything the exercise's services
 * can load from the folder: nested node_modules included, and each symlink by its target (a link's
 * text, not what it points at, which may be outside the folder).
 */
export function filesDigest(dir: string): FilesDigest {
  const entries = existsSync(dir) ? (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[]).filter((e) => e.isFile() || e.isSymbolicLink()) : [];
  const items = entries.map((e) => {
    const full = path.join(e.parentPath, e.name);
    return { file: path.relative(dir, full).split(path.sep).join('/'), full, link: e.isSymbolicLink() };
  });
  items.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const hash = createHash('sha256');
  for (const { file, full, link } of items) {
    const content = link ? Buffer.from(`symlink:${readlinkSync(full)}`) : readFileSync(full);
    // Lengths keep "a" + "bc" apart from "ab" + "c"; a link and a file of the same text differ by the prefix.
    hash.update(`${file}\0${content.length}\0`).update(content).update('\0');
  }
  return { digest: `sha256:${hash.digest('hex')}`, files: items.map((i) => i.file) };
}
