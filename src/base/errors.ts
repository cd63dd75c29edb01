/**
 * Typed errors. Library code throws `ImgsizeError`; only the CLI turns one into
 * `imgsize: <what>: <why>` on stderr and exit code 2.
 */
export type ErrorCode =
  | 'usage' // a flag or argument is wrong
  | 'input' // the input cannot be read, or is not what was asked for
  | 'format' // not an image format imgsize knows
  | 'corrupt' // the bytes break their format
  | 'truncated' // the input ends too early (inside a tar header or member, a zstd frame)
  | 'missing-blob' // the archive names a blob it does not hold
  | 'digest-mismatch' // bytes that do not hash to the digest that names them
  | 'platform' // no image for the platform asked for
  | 'limit' // a safety limit was hit (README, Safety limits)
  | 'config' // imgsize.config.json is wrong
  | 'output' // a file imgsize was asked to write cannot be written
  | 'internal'; // a bug

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

/** A list for a message: the first `max` items, then how many more ("a, b, c and 59,990 more"). */
export function listSome(items: readonly string[], max = 10): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${(items.length - max).toLocaleString('en-US')} more`;
}

/** An overview of several images came back where the caller asked for one: a bug of the caller (`overview` is opt-in). */
export function oneImageExpected(where: string): ImgsizeError {
  return new ImgsizeError('internal', where, 'several images where one was asked for');
}
