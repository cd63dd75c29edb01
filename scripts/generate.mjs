#!/usr/bin/env node
// `npm run generate`: writes what is made from the code, so it cannot drift from it:
//   schema/report.schema.json   from the zod schemas (src/report/schema.ts)
//   README.md's findings table  from the findings registry (src/analysis/findings/)
// `node scripts/generate.mjs --check` (CI) fails when a checked-in copy is not what the code makes.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportJsonSchemaText } from '../dist/report/json-schema.js';
import { FINDING_DEFINITIONS } from '../dist/analysis/findings/index.js';
import { renderFindingsTable, withFindingsTable } from '../dist/render/findings-table.js';

const at = (p) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const read = (p) => {
  try {
    return readFileSync(at(p), 'utf8');
  } catch {
    return '';
  }
};
const outputs = {
  'schema/report.schema.json': reportJsonSchemaText(),
  'README.md': withFindingsTable(read('README.md'), renderFindingsTable(FINDING_DEFINITIONS)),
};
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, text] of Object.entries(outputs)) {
  if (read(file) === text) continue;
  if (check) {
    console.error(`${file} is out of date: run npm run generate`);
    stale++;
  } else {
    writeFileSync(at(file), text);
    console.log(`wrote ${file}`);
  }
}
process.exit(stale > 0 ? 1 : 0);
