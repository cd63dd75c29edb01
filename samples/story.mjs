#!/usr/bin/env node
// `npm start`: the seed's story. Streams the before and after images (samples/seed.mjs) through
// imgsize without writing them to disk, keeps the two --json reports in samples/generated/, then
// shows the before image, the before → after diff and the CI check of both against the budget
// in samples/imgsize.config.json (424 MB compressed). Reports are reused while nothing changed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { main } from '../dist/cli/main.js';
import { seedArchive } from './seed.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, 'generated');
const rel = (p) => path.relative(process.cwd(), p);
mkdirSync(out, { recursive: true });
// reports are reused while the samples and imgsize's own code (dist/) are unchanged
const stampHash = createHash('sha256')
  .update(readFileSync(path.join(here, 'seed.mjs')))
  .update(readFileSync(path.join(here, '..', 'package.json')));
const addTree = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) addTree(p);
    else if (e.name.endsWith('.js')) stampHash.update(e.name).update(readFileSync(p));
  }
};
addTree(path.join(here, '..', 'dist'));
const stamp = stampHash.digest('hex').slice(0, 16);

async function imgsize(argv, stdin) {
  let text = '';
  const code = await main({
    argv,
    stdin: Object.assign(stdin ?? (async function* () {})(), { isTTY: false }),
    stdout: { write: (s) => ((text += s), true), columns: process.stdout.columns ?? 110 },
    stderr: process.stderr,
    env: {},
    cwd: process.cwd(),
  });
  return { code, text };
}

for (const which of ['before', 'after']) {
  const file = path.join(out, `${which}.json`);
  const stampFile = `${file}.stamp`;
  if (existsSync(file) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) continue;
  console.log(`$ node samples/seed.mjs ${which} | imgsize - --json > ${rel(file)}`);
  const t0 = Date.now();
  const r = await imgsize(['-', '--json'], seedArchive(which));
  if (r.code !== 0) process.exit(r.code);
  writeFileSync(file, r.text);
  writeFileSync(stampFile, stamp);
  const rep = JSON.parse(r.text);
  console.log(`  ${which}: ${(rep.totals.contentBytes / 1e9).toFixed(2)} GB of content streamed and analysed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

const before = rel(path.join(out, 'before.json'));
const after = rel(path.join(out, 'after.json'));
const config = rel(path.join(here, 'imgsize.config.json'));
const steps = [
  ['imgsize', before, '--top', '6'],
  ['imgsize', 'diff', before, after, '--top', '8'],
  ['imgsize', 'check', after, '--config', config],
  ['imgsize', 'check', before, '--config', config],
];
for (const [, ...argv] of steps) {
  console.log(`$ imgsize ${argv.join(' ')}`);
  const r = await imgsize(argv);
  process.stdout.write(r.text);
  console.log(`(exit code ${r.code})\n`);
}

// the same story as pages to look at: one self-contained HTML file each, made from the saved reports
const pages = [
  ['before.html', [before]],
  ['after.html', [after]],
  ['diff.html', ['diff', before, after]],
];
console.log('$ # the HTML reports (treemap, layers, packages, findings; they open offline)');
for (const [name, argv] of pages) {
  const file = rel(path.join(out, name));
  console.log(`$ imgsize ${argv.join(' ')} --html ${file} > /dev/null`);
  const r = await imgsize([...argv, '--html', file, '--quiet']);
  if (r.code !== 0) process.exit(r.code);
}
console.log(`\nOpen them in a browser: ${pages.map(([name]) => rel(path.join(out, name))).join(', ')}`);
