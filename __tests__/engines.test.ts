// One shape for engines: each engine is a folder of src/engines/ behind the interface in engines/engine.ts,
// the pickers (engines/index.ts for the flows, engines/inputs.ts for the inputs, engines/post.ts for the
// post step) are the only places that ask which engine runs, and the shared phases import no engine's files.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeConfig } from '../__fixtures__/config.js';

const { engineFor } = await import('../src/engines/index.js');
const { ENGINE_NAMES, inputsFor } = await import('../src/engines/inputs.js');
const { postEngineFor } = await import('../src/engines/post.js');

const PICKERS = ['src/engines/index.ts', 'src/engines/inputs.ts', 'src/engines/post.ts'];
const ENGINE_FOLDERS = ['pair', 'traffic', 'ecs', 'listener'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const files = sources('src').map((f) => relative('.', f));
const code = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join('\n');
const importsOf = (file: string) => [...code(file).matchAll(/(?:from\s+|import\()\s*'([^']+)'/g)].map((m) => m[1] ?? '');

describe('engines', () => {
  it('asks which engine runs only in the pickers', () => {
    // Comparing the engine's name, or the saved context's engine: ecs marker, is picking.
    const asks = /\bengine\s*[!=]==|[!=]==\s*'(pair|traffic|ecs)'|\.builtIn\b/;
    const offenders = files.filter((f) => !PICKERS.includes(f) && asks.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('keeps the shared phases free of any engine: outside src/engines/ only the pickers and the interface are imported', () => {
    const allowed = new Set(['engines/index.js', 'engines/inputs.js', 'engines/post.js', 'engines/engine.js']);
    const offenders = files
      .filter((f) => !f.startsWith('src/engines/'))
      .flatMap((f) => importsOf(f).filter((spec) => spec.includes('engines/') && ![...allowed].some((a) => spec.endsWith(a))).map((spec) => `${f} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('keeps each engine in its folder: engines import no other engine, pair and traffic share only the listener', () => {
    const offenders = files
      .filter((f) => ENGINE_FOLDERS.some((e) => f.startsWith(`src/engines/${e}/`)))
      .flatMap((f) => {
        const own = f.split('/')[2] ?? '';
        const mayUse = own === 'pair' || own === 'traffic' ? ['listener'] : [];
        return importsOf(f)
          .filter((spec) => spec.startsWith('../') && !spec.startsWith('../../'))
          .filter((spec) => {
            const other = spec.split('/')[1] ?? '';
            return ENGINE_FOLDERS.includes(other) && other !== own && !mayUse.includes(other);
          })
          .map((spec) => `${f} → ${spec}`);
      });
    expect(offenders).toEqual([]);
  });

  it('gives every engine the five modes, its inputs and a post step', () => {
    expect(ENGINE_NAMES).toEqual(['pair', 'traffic', 'ecs']);
    for (const name of ENGINE_NAMES) {
      const engine = engineFor({ engine: name });
      expect(Object.keys(engine.modes).sort()).toEqual(['deploy', 'prepare', 'promote', 'rollback', 'status']);
      expect(inputsFor(name).label).toMatch(new RegExp(`^${name}\\b`));
      const config = makeConfig({ engine: name, ...(name === 'ecs' ? { service: 'shop' } : {}) });
      const post = postEngineFor({ region: config.region, targetGroups: config.targetGroups, stateParameter: config.stateParameter, ...engine.postContext(config) }, { restore: () => ({}) as never, builtIn: () => ({}) as never });
      // engine: ecs has no colours: its rollback-command hears none; the listener engines' hears both.
      expect(post.hasColours).toBe(name !== 'ecs');
    }
  });

  it('holds src/flow/ to the shared phases', () => {
    expect(readdirSync('src/flow').sort()).toEqual([
      'analysis-gate.ts',
      'commands.ts',
      'context.ts',
      'deployment-controller.ts',
      'lock.ts',
      'migration-task.ts',
      'monitor.ts',
      'post-result.ts',
      'record.ts',
      'run-post.ts',
      'run.ts',
      'shift.ts',
      'target-health.ts',
      'task-definition.ts',
      'verify.ts',
    ]);
  });
});
