/**
 * Globs for config rules, compiled once and matched in time linear in the path (no regular
 * expression, no backtracking over `**`: a set of pattern positions is carried along the path's
 * segments, as an NFA is simulated).
 *
 * Path globs (forbiddenPaths): `*` and `?` within one path segment, `**` for any number of
 * segments, `{a,b}` alternatives (expanded; at most MAX_ALTERNATIVES). No slash: the name
 * anywhere (like .gitignore); a leading `/`: from the root. A glob that matches a folder matches
 * everything below it too (`.git` matches `/app/.git/config`).
 * Name globs (package rules): `*`, `?` and `{a,b}` over the whole name, case-insensitively.
 */
import { ImgsizeError } from '../base/errors.js';

/** More brace alternatives than this in one glob are refused (they multiply). */
export const MAX_ALTERNATIVES = 256;
/** Globs longer than this are refused. */
export const MAX_GLOB_LENGTH = 1024;

type Segment = { readonly kind: 'any' } | { readonly kind: 'name'; readonly pattern: string };

export interface PathMatcher {
  /**
   * The number of leading segments of `path` (normalised, no leading `/`) that the glob matches
   * (the path itself or the folder it is in), or 0 when it matches neither the path nor a folder above it.
   */
  matchPrefix(path: string): number;
}

/** Expands `{a,b}` alternatives (nested allowed); refuses unbalanced braces and too many. */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) {
    if (glob.includes('}')) throw badGlob(glob, 'a "}" without its "{"');
    return [glob];
  }
  let depth = 0;
  let close = -1;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) throw badGlob(glob, 'a "{" without its "}"');
  const head = glob.slice(0, open);
  const tail = glob.slice(close + 1);
  const bounds = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (const alt of expandBraces(head + glob.slice(bounds[k]! + 1, bounds[k + 1]) + tail)) {
      out.push(alt);
      if (out.length > MAX_ALTERNATIVES) throw badGlob(glob, `more than ${MAX_ALTERNATIVES} alternatives`);
    }
  }
  return out;
}

function badGlob(glob: string, why: string): ImgsizeError {
  return new ImgsizeError('config', `glob "${glob.length > 80 ? `${glob.slice(0, 79)}…` : glob}"`, `${why}`, { hint: 'globs take *, ?, ** and {a,b}' });
}

function checkGlob(glob: string): void {
  if (glob.length === 0) throw badGlob(glob, 'empty glob');
  if (glob.length > MAX_GLOB_LENGTH) throw badGlob(glob, `longer than ${MAX_GLOB_LENGTH} characters`);
}

/** Compiles path globs (any of which may match) into one matcher. */
export function compilePathGlobs(globs: readonly string[]): PathMatcher {
  const patterns: Segment[][] = [];
  for (const g of globs) {
    checkGlob(g);
    for (const alt of expandBraces(g)) patterns.push(segmentsOf(alt));
  }
  return {
    matchPrefix: (path) => {
      let best = 0;
      for (const p of patterns) {
        const n = matchSegments(p, path);
        if (n > 0 && (best === 0 || n < best)) best = n;
      }
      return best;
    },
  };
}

function segmentsOf(glob: string): Segment[] {
  let g = glob;
  let anchored = true;
  if (g.startsWith('/')) g = g.slice(1);
  else if (!g.includes('/')) anchored = false;
  if (g.endsWith('/')) g = g.slice(0, -1);
  const parts = g.split('/').filter((p, i, all) => p !== '' || i === all.length - 1);
  const segs: Segment[] = [];
  if (!anchored) segs.push({ kind: 'any' });
  for (const p of parts) {
    if (p === '**') {
      if (segs[segs.length - 1]?.kind !== 'any') segs.push({ kind: 'any' });
    } else segs.push({ kind: 'name', pattern: p.replace(/\*\*+/g, '*') });
  }
  return segs;
}

/**
 * Simulates the pattern over the path's segments. States are positions in `segs`; `any` (`**`)
 * stays or moves on. Returns how many segments had been read when the pattern first completed.
 */
function matchSegments(segs: readonly Segment[], path: string): number {
  const n = segs.length;
  let states = new Uint8Array(n + 1);
  let next = new Uint8Array(n + 1);
  const close = (s: Uint8Array): void => {
    // a `**` may match zero segments
    for (let i = 0; i < n; i++) if (s[i] && segs[i]!.kind === 'any') s[i + 1] = 1;
  };
  states[0] = 1;
  close(states);
  if (path === '') return 0;
  let start = 0;
  let read = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const end = slash < 0 ? path.length : slash;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < n; i++) {
      if (!states[i]) continue;
      const seg = segs[i]!;
      if (seg.kind === 'any') {
        next[i] = 1;
        alive = true;
      } else if (segmentMatches(seg.pattern, path, start, end)) {
        next[i + 1] = 1;
        alive = true;
      }
    }
    close(next);
    read++;
    // the pattern is complete: it names this path, or the folder it is in
    if (next[n]) return read;
    if (!alive || slash < 0) return 0;
    [states, next] = [next, states];
    start = slash + 1;
  }
}

/**
 * Wildcard match of one segment (`*`, `?`) against path[start, end): the classic two-pointer
 * algorithm that remembers only the last `*`, linear-times-pattern at worst, never exponential.
 */
function segmentMatches(p: string, s: string, start: number, end: number): boolean {
  let pi = 0;
  let si = start;
  let star = -1;
  let mark = 0;
  while (si < end) {
    const c = p[pi];
    if (c === '?' || (c !== undefined && c !== '*' && c === s[si])) {
      pi++;
      si++;
    } else if (c === '*') {
      star = pi++;
      mark = si;
    } else if (star >= 0) {
      pi = star + 1;
      si = ++mark;
    } else return false;
  }
  while (p[pi] === '*') pi++;
  return pi === p.length;
}

/** Compiles a name glob (package names): `*`, `?`, `{a,b}`, case-insensitive. */
export function compileNameGlob(glob: string): (name: string) => boolean {
  checkGlob(glob);
  const alts = expandBraces(glob).map((a) => a.toLowerCase());
  return (name) => {
    const n = name.toLowerCase();
    return alts.some((a) => segmentMatches(a, n, 0, n.length));
  };
}
