// End-to-end: the fault matrix (e2e/support/fault-matrix.ts), every cell against the built dist/. Cells
// run a few at a time, each lane on a sandbox of its own (injected faults apply to a whole sandbox, so
// two cells must never share one); the table of every cell is printed at the end.
import { afterAll, describe, it } from '@jest/globals';
import { allCells, cellName, renderTable, runCell, type CellResult } from './support/fault-matrix.js';
import { startMatrixSandbox } from './support/fault-matrix-analysis.js';
import { Lanes } from './support/lanes.js';

/**
 * Sandboxes at once: each hosts one cell at a time (two task processes per colour, the action's two steps), with
 * 1-second CloudWatch minutes for the analysis cells.
 */
const lanes = new Lanes(4, async () => ({ sandbox: await startMatrixSandbox() }));
const CELL_TIMEOUT_MS = 180_000;

const results: (CellResult & { cell: string })[] = [];
const cells = allCells().map((cell, index) => ({ cell, title: cellName(cell), index }));

afterAll(async () => {
  results.sort((a, b) => cells.findIndex((c) => c.title === a.cell) - cells.findIndex((c) => c.title === b.cell));
  const failed = results.filter((r) => r.violations.length > 0).length;
  console.log(`fault matrix: ${results.length} cells, ${results.length - failed} kept every promise, ${failed} did not\n${renderTable(results)}`);
  await lanes.stop();
});

describe(`fault matrix (${cells.length} cells)`, () => {
  it.concurrent.each(cells)('$title', async ({ cell, title, index }) => {
    const result = await lanes.with(({ sandbox }) => runCell(sandbox, cell, `fm-${index}`));
    results.push({ ...result, cell: title });
    if (result.violations.length > 0) throw new Error(`${result.violations.join('; ')}\n${result.explanation ?? ''}`);
  }, CELL_TIMEOUT_MS);
});
