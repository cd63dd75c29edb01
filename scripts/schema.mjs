#!/usr/bin/env node
// `npm run schema`: writes schema/report.schema.json from the zod schemas (src/report/schema.ts).
// `npm run schema -- --check` fails when the checked-in file is not what the code generates.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { reportJsonSchemaText } from '../dist/report/json-schema.js';

const file = fileURLToPath(new URL('../schema/report.schema.json', import.meta.url));
const text = reportJsonSchemaText();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== text) {
    console.error('schema/report.schema.json is out of date: run npm run schema');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}
