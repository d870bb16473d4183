// Bundle sizes: the entry file each step loads first, and every JavaScript file the bundle directory ships
// (ncc splits lazily loaded chunks out of index.js), raw and gzipped.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleSize {
  entryBytes: number;
  entryGzipBytes: number;
  totalJsBytes: number;
  jsFiles: number;
}

export async function bundleSize(dir: string): Promise<BundleSize> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.js'));
  const contents = await Promise.all(names.map((n) => readFile(join(dir, n))));
  const entry = contents[names.indexOf('index.js')];
  if (!entry) throw new Error(`${dir} has no index.js: build the action first (npm run build)`);
  return {
    entryBytes: entry.length,
    entryGzipBytes: gzipSync(entry).length,
    totalJsBytes: contents.reduce((sum, c) => sum + c.length, 0),
    jsFiles: names.length,
  };
}
