/**
 * Minimal globs for config rules: `*` (no slash), `**` (anything), `?`. A path pattern without
 * a slash matches a basename anywhere (like .gitignore); a leading `/` anchors at the root.
 */
export function globToRegExp(glob: string, opts: { path: boolean }): RegExp {
  let g = glob;
  let anchored = true;
  if (opts.path) {
    if (g.startsWith('/')) g = g.slice(1);
    else if (!g.includes('/')) anchored = false;
  }
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slash = g[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += opts.path ? '[^/]*' : '.*';
    } else if (c === '?') re += opts.path ? '[^/]' : '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(anchored ? `^${re}$` : `(^|/)${re}$`, opts.path ? '' : 'i');
}
