/** The action's entry point (action.yml runs its bundle): the runner's process, wired to runAction. */
import { appendFileSync } from 'node:fs';
import { runAction } from './run.js';

process.exitCode = await runAction({
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  appendFile: (file, text) => appendFileSync(file, text),
});
