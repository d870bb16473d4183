// Builds dist/main and dist/post with ncc's API (the CLI cannot set `mainFields`): one minified ESM
// entry each, plus a chunk per AWS adapter that the entry loads on first use.
// `mainFields: ['module', 'main']` makes webpack take the SDK's ES modules, which it can tree-shake,
// instead of the CommonJS builds ncc picks by default, which it cannot: about 120 KB less per bundle.
import ncc from '@vercel/ncc';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const entries = { main: 'src/main.ts', post: 'src/post.ts' };
const only = process.argv.slice(2);

for (const [name, entry] of Object.entries(entries)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const out = join('dist', name);
  const { code, assets } = await ncc(join(process.cwd(), entry), {
    minify: true,
    mainFields: ['module', 'main'],
    target: 'es2022',
    license: 'licenses.txt',
    sourceMap: false,
    quiet: true,
    // No filesystem cache: ncc keys it by entry and version only, so a cache left by a build with
    // other settings can change the output, and check-dist must get the same bytes on every machine.
    cache: false,
  });
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'index.js'), code);
  for (const [file, asset] of Object.entries(assets)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), asset.source);
  }
  const sizes = [['index.js', code.length], ...Object.entries(assets).map(([f, a]) => [f, a.source.length])];
  console.log(`${out}: ${sizes.map(([f, n]) => `${f} ${(n / 1024).toFixed(0)} KB`).join(', ')}`);
}
