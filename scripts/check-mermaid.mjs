// Renders every ```mermaid block of some markdown files with the mermaid version GitHub uses (the pinned
// devDependency) in headless Chromium, and fails when one does not render. A PNG per block and theme goes to
// --out, for a person to look at.
//
//   node scripts/check-mermaid.mjs [--out DIR] [--themes default,dark] [--strict] [file.md ...]
//
// A block fails when mermaid throws, draws its "Syntax error" picture, or an xychart draws fewer lines or
// labels than its source has, or a line with NaN in it. Drawn but hard to read is a warning (a failure with
// --strict): a line of too little contrast with the background (WCAG's 3:1 for graphics), x-axis labels
// less than 4 px apart, a line of one point (which draws nothing).
//
// Without files: scripts/fixtures/*.md, the job summary's analysis section that
// __tests__/report-analysis-chart.test.ts writes there with UPDATE_CHART_FIXTURES=1 (`npm run check:charts`
// does both). Needs Debian's chromium (apt-get install chromium), or CHROMIUM_PATH; loads nothing from the
// network: mermaid comes from node_modules and every request the page makes is refused.
/* global window, document, getComputedStyle -- browser globals of the code page.evaluate runs in the page */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const mermaidDir = dirname(require.resolve('mermaid/package.json'));
const mermaidVersion = JSON.parse(readFileSync(join(mermaidDir, 'package.json'), 'utf8')).version;
const mermaidScript = join(mermaidDir, 'dist', 'mermaid.min.js');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, themes: { type: 'string', default: 'default,dark' }, strict: { type: 'boolean', default: false } },
});
const fixtures = join(root, 'scripts', 'fixtures');
const files = positionals.length > 0
  ? positionals.map((f) => resolve(f))
  : readdirSync(fixtures).filter((f) => f.endsWith('.md')).sort().map((f) => join(fixtures, f));
const themes = values.themes.split(',').map((t) => t.trim()).filter(Boolean);
const out = resolve(values.out ?? mkdtempSync(join(tmpdir(), 'check-mermaid-')));
mkdirSync(out, { recursive: true });

/** The ```mermaid (or ~~~mermaid) blocks of a markdown text, with the line each starts on. */
function mermaidBlocks(text) {
  const blocks = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*mermaid\s*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body = [];
    let j = i + 1;
    while (j < lines.length && !(lines[j].trimStart().startsWith(fence) && lines[j].trim() === fence[0].repeat(lines[j].trim().length))) body.push(lines[j++]);
    blocks.push({ line: i + 1, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

const jobs = files.flatMap((file) => mermaidBlocks(readFileSync(file, 'utf8')).map((b, n) => ({ file, n: n + 1, ...b })));
if (jobs.length === 0) {
  console.error(`No mermaid block in ${files.map((f) => relative(process.cwd(), f)).join(', ') || '(no file)'}.`);
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  // Playwright gives every launch a new, empty --user-data-dir of its own.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = 0;
let warned = 0;
try {
  // GitHub shows the diagram in the markdown column, about 880 px wide on a desktop.
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1 });
  await page.route('**/*', (route) => route.abort());
  await page.setContent('<!doctype html><html><body style="margin:0"><div id="box" style="width:880px;padding:16px"></div></body></html>');
  await page.addScriptTag({ path: mermaidScript });
  const version = await page.evaluate(() => window.mermaid.version?.() ?? '');
  console.log(`mermaid ${version || mermaidVersion} (${relative(root, mermaidScript)}), ${await browser.version()}`);

  for (const theme of themes) {
    for (const job of jobs) {
      const where = `${relative(process.cwd(), job.file)}:${job.line} (block ${job.n}, theme ${theme})`;
      const result = await page.evaluate(async ({ code, theme, id }) => {
        const box = document.getElementById('box');
        box.innerHTML = '';
        document.body.style.background = theme === 'dark' ? '#0d1117' : '#ffffff';
        window.mermaid.initialize({ startOnLoad: false, theme, securityLevel: 'strict' });
        try {
          const { svg } = await window.mermaid.render(id, code);
          box.innerHTML = svg;
        } catch (error) {
          document.getElementById(id)?.remove();
          document.getElementById(`d${id}`)?.remove();
          return { error: String(error?.message ?? error) };
        }
        const el = box.querySelector('svg');
        const box2 = el.getBoundingClientRect();
        const texts = [...el.querySelectorAll('text')].map((t) => t.textContent);
        // WCAG relative luminance and contrast of two CSS colours, resolved by the browser.
        const probe = document.createElement('span');
        document.body.append(probe);
        const luminance = (colour) => {
          probe.style.color = '';
          probe.style.color = colour;
          const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) ?? ['0', '0', '0']).map((v) => Number(v) / 255);
          const lin = (v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
          return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        };
        const contrast = (a, b) => {
          const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
          return (hi + 0.05) / (lo + 0.05);
        };
        const background = el.querySelector('rect.background')?.getAttribute('fill') ?? getComputedStyle(document.body).backgroundColor;
        const lines = [...el.querySelectorAll('[class^="line-plot-"] path')].map((p) => {
          const stroke = p.getAttribute('stroke') ?? getComputedStyle(p).stroke;
          return { d: p.getAttribute('d') ?? '', stroke, contrast: Math.round(contrast(stroke, background) * 100) / 100 };
        });
        probe.remove();
        const xLabels = [...el.querySelectorAll('.bottom-axis .label text')].map((t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
        const overlaps = xLabels.slice(1).flatMap((l, i) => (l.box.left < xLabels[i].box.right + 4 ? [`${xLabels[i].text}/${l.text}`] : []));
        return { width: box2.width, height: box2.height, texts, lines, background, overlaps, errorText: el.textContent.includes('Syntax error') };
      }, { code: job.code, theme, id: `m${job.n}${theme}` });

      const problems = [];
      const warnings = [];
      if (result.error) problems.push(result.error);
      else {
        if (result.errorText) problems.push('rendered mermaid\'s "Syntax error" picture');
        if (!(result.width > 100 && result.height > 100)) problems.push(`the SVG is ${result.width}×${result.height}`);
        const expectedLines = (job.code.match(/^\s*line\b[^[\n]*\[/gm) ?? []).length;
        if (result.lines.length !== expectedLines) problems.push(`${result.lines.length} line path(s) drawn, ${expectedLines} in the source`);
        for (const l of result.lines) if (!/^M[\d.,\sLMCZ-]+$/.test(l.d) || /NaN|Infinity/.test(l.d)) problems.push(`a line path is not drawable: ${l.d.slice(0, 80)}`);
        const title = /^\s*title\s+"([^"]*)"/m.exec(job.code)?.[1];
        if (title && !result.texts.includes(title)) problems.push(`title "${title}" not drawn`);
        const labels = /^\s*x-axis\s*\[(.*)\]\s*$/m.exec(job.code)?.[1].match(/"[^"]*"|[^,\s][^,]*/g)?.map((s) => s.replace(/^"|"$/g, '').trim()) ?? [];
        const missing = labels.filter((l) => !result.texts.includes(l));
        if (missing.length > 0) problems.push(`x-axis label(s) not drawn: ${missing.join(', ')}`);
        result.lines.forEach((l, i) => {
          if (l.contrast < 3) warnings.push(`line ${i + 1} (${l.stroke}) has contrast ${l.contrast}:1 with the background ${result.background}, under 3:1`);
          if (!/L/.test(l.d)) warnings.push(`line ${i + 1} has one point and draws nothing`);
        });
        if (result.overlaps.length > 0) warnings.push(`${result.overlaps.length} x-axis label(s) less than 4 px from the one before (${result.overlaps.slice(0, 3).join(', ')}${result.overlaps.length > 3 ? ', …' : ''})`);
      }
      for (const w of warnings) console.error(`WARN ${where}: ${w}`);
      if (warnings.length > 0) warned++;
      if (values.strict && warnings.length > 0 && problems.length === 0) problems.push(...warnings);

      if (problems.length > 0) {
        failed++;
        console.error(`FAIL ${where}: ${problems.join('; ')}\n${job.code.replace(/^/gm, '    ')}`);
      }
      const png = join(out, `${basename(job.file, '.md')}-${job.n}-${theme}.png`);
      if (!result.error) {
        await page.locator('#box').screenshot({ path: png });
        writeFileSync(png.replace(/\.png$/, '.mmd'), `${job.code}\n`);
        const strokes = result.lines.map((l) => l.stroke).join(', ');
        const state = problems.length > 0 ? 'BAD ' : warnings.length > 0 ? 'warn' : 'ok  ';
        console.log(`${state} ${where}: ${png}  (${Math.round(result.width)}×${Math.round(result.height)}, line colours ${strokes || 'none'})`);
      }
    }
  }
} finally {
  await browser.close();
}
if (failed > 0) {
  console.error(`${failed} mermaid block render(s) failed.`);
  process.exit(1);
}
console.log(`${jobs.length} mermaid block(s) × ${themes.length} theme(s) rendered${warned > 0 ? `, ${warned} with warnings` : ''}; screenshots in ${out}`);
