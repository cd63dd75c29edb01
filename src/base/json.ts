/**
 * JSON that a person or another tool wrote (a config, a saved report): nesting deeper than any real
 * file is refused before it is parsed, so that nothing that walks it later (validation, error
 * messages) can be driven into deep recursion. One linear scan, no recursion.
 */
import { ImgsizeError } from './errors.js';

/** Deeper than any real config or report (a report nests 5 levels). */
export const MAX_JSON_DEPTH = 64;

export function parseBoundedJson(text: string, what: string, describe: (e: Error) => string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new ImgsizeError('input', what, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ImgsizeError('input', what, describe(e as Error));
  }
}

/** A value for an error message: JSON, cut short, never throwing. */
export function preview(v: unknown, max = 80): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
