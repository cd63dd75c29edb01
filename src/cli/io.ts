/** What a run of the CLI is given (its streams, environment, working directory) and what it may do with them. */
import path from 'node:path';
import type { Terminal } from '../render/style.js';

export interface Io {
  readonly argv: readonly string[];
  /** Its chunks; each may be valid only until the next is asked for (cli/stdin.ts reads a pipe into one buffer). */
  readonly stdin: AsyncIterable<Buffer> & { readonly isTTY?: boolean };
  readonly stdout: { write(s: string): unknown; readonly columns?: number; readonly isTTY?: boolean };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** A path that opens stdin, when stdin is a regular file (`imgsize < app.tar`): read with random access. */
  readonly stdinFile?: string;
  /** Appends to a file (the GitHub step summary and outputs); injected so tests can see it. */
  readonly appendFile?: (path: string, text: string) => void;
  /** Waits until stdout has taken everything written; resolves with the write error, if any. */
  readonly flush?: () => Promise<NodeJS.ErrnoException | undefined>;
}

/** Exit codes: 0 ok, 2 could not run; 1 (a gate failed) comes from the verdict alone (gate/budget.ts verdictExitCode). */
export const EXIT_OK = 0;
/** A gate failed (`check`'s comes from its verdict: gate/budget.ts verdictExitCode). */
export const EXIT_GATE_FAILED = 1;
export const EXIT_ERROR = 2;

/** A path the user gave, against the run's working directory (main(io) may run in another). */
export function inCwd(io: Io, p: string): string {
  return path.resolve(io.cwd, p);
}

/**
 * What stdout allows, as the ecosystem decides it: on a terminal its width (tables fit it, prose
 * wraps) and colour; piped, neither. NO_COLOR (set, not empty) turns colour off, FORCE_COLOR on
 * (FORCE_COLOR=0 off), whatever stdout is.
 */
export function terminalOf(io: Io): Terminal {
  const tty = io.stdout.isTTY === true;
  const force = io.env.FORCE_COLOR;
  const color = force !== undefined && force !== '' ? force !== '0' && force !== 'false' : io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '' ? false : tty;
  return { width: tty && io.stdout.columns ? Math.max(40, io.stdout.columns) : undefined, color };
}
