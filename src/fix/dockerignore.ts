/**
 * `.dockerignore` as Docker reads it (BuildKit's dockerignore.ReadAll and moby's patternmatcher):
 * `#` comments and blank lines skipped; `!` makes an exception; each pattern cleaned like Go's
 * filepath.Clean, a leading `/` dropped (every pattern is anchored at the context's root); `*` and
 * `?` never cross a `/`, `**` crosses any number of folders; a pattern that names a folder excludes
 * everything below it; the last pattern that matches decides. So `*.pth` excludes `model.pth` at
 * the root of the context and nothing in `models/` — the trap this module exists to point at.
 * Pure; checked against a real builder (buildah) by test/e2e/dockerignore.test.ts.
 */

export interface IgnorePattern {
  /** The line as written, and its number (1-based) in the file. */
  readonly line: string;
  readonly lineNo: number;
  /** An exception (`!pattern`): re-includes what earlier lines excluded. */
  readonly exclusion: boolean;
  /** The pattern after cleaning, as the matcher sees it. */
  readonly cleaned: string;
  readonly match: (path: string) => boolean;
}

/** Go's path.Clean for a slash-separated relative path. */
function clean(p: string): string {
  const out: string[] = [];
  const rooted = p.startsWith('/');
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return rooted ? `/${s}` : s === '' ? '.' : s;
}

/** What moby's patternmatcher escapes (its shouldEscape): the rest keeps its meaning in the expression. */
const REGEXP_SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** A pattern as moby's patternmatcher compiles it: exact, prefix (`dir/**`), suffix (`**` + tail) or a regular expression. */
function compile(pattern: string): (path: string) => boolean {
  let re = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const chars = [...pattern];
  for (let i = 0, n = 0; i < chars.length; i++, n++) {
    const ch = chars[i]!;
    if (ch === '*') {
      if (chars[i + 1] === '*') {
        i++;
        if (chars[i + 1] === '/') i++; // `**/` is `**`
        if (i + 1 >= chars.length) {
          if (type === 'exact') type = 'prefix';
          else {
            re += '.*';
            type = 'regexp';
          }
        } else {
          re += '(.*/)?';
          type = 'regexp';
        }
        if (n === 0) type = 'suffix';
      } else {
        re += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      re += '[^/]';
      type = 'regexp';
    } else if (REGEXP_SPECIAL.has(ch)) re += `\\${ch}`;
    else if (ch === '\\') {
      if (i + 1 < chars.length) {
        re += `\\${chars[++i]}`;
        type = 'regexp';
      } else re += '\\\\';
    } else if (ch === '[' || ch === ']') {
      re += ch;
      type = 'regexp';
    } else re += ch;
  }
  if (type === 'exact') return (p) => p === pattern;
  if (type === 'prefix') {
    const prefix = pattern.slice(0, -2);
    return (p) => p.startsWith(prefix);
  }
  if (type === 'suffix') {
    const suffix = pattern.slice(2);
    return (p) => p.endsWith(suffix) || (suffix.startsWith('/') && p === suffix.slice(1));
  }
  let compiled: RegExp;
  try {
    compiled = new RegExp(`${re}$`, 'u');
  } catch {
    return () => false; // Docker refuses such a file; here it matches nothing
  }
  return (p) => compiled.test(p);
}

/** The patterns of a .dockerignore file, in order. */
export function parseDockerignore(text: string): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    let p = line.trim();
    if (p === '' || p.startsWith('#')) return;
    const exclusion = p.startsWith('!');
    if (exclusion) p = p.slice(1).trim();
    if (p === '') return;
    p = clean(p);
    if (p.length > 1 && p.startsWith('/')) p = p.slice(1);
    out.push({ line, lineNo: i + 1, exclusion, cleaned: p, match: compile(p) });
  });
  return out;
}

/** Whether a path of the context (relative, `/`-separated) is left out of the build, and the line that decided. */
export function ignoredBy(path: string, patterns: readonly IgnorePattern[]): { ignored: boolean; by?: IgnorePattern } {
  let matched = false;
  let by: IgnorePattern | undefined;
  const dirs = path.split('/').slice(0, -1);
  for (const p of patterns) {
    // an exception only matters once something matched; an exclusion only until it has
    if (p.exclusion !== matched) continue;
    let hit = p.match(path);
    for (let i = 0; !hit && i < dirs.length; i++) hit = p.match(dirs.slice(0, i + 1).join('/'));
    if (hit) {
      matched = !p.exclusion;
      by = p;
    }
  }
  return by ? { ignored: matched, by } : { ignored: matched };
}
