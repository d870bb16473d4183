// Builds bench/sdk-floor-entry.mjs with the same ncc options as scripts/build.js, so the cold-start
// figure can be compared with what a bare SDK client costs on the same machine in the same run.
import ncc from '@vercel/ncc';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function buildSdkFloor(root: string): Promise<string> {
  const out = join(root, 'build', 'sdk-floor');
  const { code, assets } = await ncc(join(root, 'bench', 'sdk-floor-entry.mjs'), { minify: true, mainFields: ['module', 'main'], target: 'es2022', quiet: true });
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'index.mjs'), code);
  for (const [file, asset] of Object.entries(assets)) {
    if (file === 'package.json') continue;
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), asset.source);
  }
  // The chunks are ESM like the entry.
  await writeFile(join(out, 'package.json'), '{"type":"module"}\n');
  return join(out, 'index.mjs');
}
