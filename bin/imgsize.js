#!/usr/bin/env node
import { appendFileSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

// `imgsize app.tar | head`: a reader that went away is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

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
