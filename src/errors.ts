/**
 * Typed errors. Library code throws `ImgsizeError`; only the CLI turns one into
 * `imgsize: <what>: <why>` on stderr and exit code 2.
 */
export type ErrorCode = 'usage' | 'input' | 'format' | 'corrupt' | 'missing-blob' | 'digest-mismatch' | 'platform' | 'limit' | 'config' | 'internal';

export class ImgsizeError extends Error {
  readonly code: ErrorCode;
  readonly what: string;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, what: string, why: string, opts: { hint?: string; cause?: unknown } = {}) {
    super(why, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ImgsizeError';
    this.code = code;
    this.what = what;
    this.hint = opts.hint;
  }
}

/** Warnings that do not stop the run; they land in the report's `warnings[]` (codes: report/schema.ts). */
export type { Warning, WarningCode } from './report/schema.js';
