#!/usr/bin/env node
import { appendFileSync, fstatSync } from 'node:fs';
import { main } from '../dist/cli/main.js';

// `imgsize app.tar | head`: a reader that went away is not an error
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

// `imgsize < app.tar`: stdin is the file itself, which can be read with random access
let stdinFile;
try {
  if (process.platform !== 'win32' && fstatSync(0).isFile()) stdinFile = '/dev/stdin';
} catch {
  // no stdin at all: main() says so when it needs one
}

const code = await main({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdinFile,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  appendFile: (path, text) => appendFileSync(path, text),
});
process.exitCode = code;
