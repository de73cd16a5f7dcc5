import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths';

export function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}
