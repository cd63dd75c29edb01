#!/usr/bin/env node
import { appendFileSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

const code = await main({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  appendFile: (path, text) => appendFileSync(path, text),
});
process.exitCode = code;
