#!/usr/bin/env node
import { appendFileSync, fstatSync } from 'node:fs';
import { main } from '../dist/cli/main.js';
import { messageLine } from '../dist/cli/messages.js';
import { stdinChunks } from '../dist/cli/stdin.js';

// A promise rejected with nobody to hear it is a bug of imgsize: one line and exit 2, as main()
// says an internal error — never Node's stack trace and exit 1 (1 means a gate failed)
process.on('unhandledRejection', (e) => {
  const why = e instanceof Error ? e.message : String(e);
  process.stderr.write(`${messageLine(`imgsize: internal error: ${why}`)}\nhint: run again with --debug and report it\n`);
  process.exit(2);
});

// A write error on stdout (a full disk, a closed pipe) is kept for main(), which says it in one line
let writeError;
process.stdout.on('error', (e) => {
  writeError ??= e;
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
  stdin: stdinChunks(),
  stdinFile,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  appendFile: (path, text) => appendFileSync(path, text),
  flush: () =>
    new Promise((resolve) => {
      if (writeError || process.stdout.destroyed) return resolve(writeError ?? Object.assign(new Error('stdout is closed'), { code: 'EBADF' }));
      process.stdout.write('', (e) => resolve(e ?? writeError));
    }),
});
process.exitCode = code;
