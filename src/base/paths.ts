/**
 * Path normalisation and the OCI whiteout rules, in one small module.
 *
 * Paths are raw bytes held in latin1 strings (see tar/reader.ts). A normalised path has no
 * leading `/` or `./`, no `.` or empty components, and `..` never climbs above the root:
 * `../../etc/passwd` and `/etc/passwd` both become `etc/passwd`. The root itself is ''.
 */

export function normalizePath(raw: string): string {
  // fast path: already clean (the common case in real layers)
  if (raw.length > 0 && raw.charCodeAt(0) !== 0x2f && raw.charCodeAt(0) !== 0x2e && raw.indexOf('//') < 0 && raw.indexOf('/.') < 0 && raw.indexOf('\\') < 0) {
    return raw.charCodeAt(raw.length - 1) === 0x2f ? raw.slice(0, -1) : raw;
  }
  const out: string[] = [];
  for (const part of raw.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

export function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';

export type Whiteout = { readonly kind: 'opaque'; readonly dir: string } | { readonly kind: 'delete'; readonly path: string };

/**
 * Classifies a normalised path as a whiteout. Only the exact name `.wh..wh..opq` is opaque
 * (it hides the lower layers' children of its folder); any other `.wh.<name>` deletes `<name>`
 * (and everything under it) from the lower layers.
 */
export function whiteoutOf(path: string): Whiteout | undefined {
  const base = basename(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  const dir = dirname(path);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir };
  return { kind: 'delete', path: joinPath(dir, base.slice(WHITEOUT_PREFIX.length)) };
}

/** Raw latin1 path → readable UTF-8 string, for reports. */
export function displayPath(raw: string): string {
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) > 0x7f) return Buffer.from(raw, 'latin1').toString('utf8');
  }
  return raw;
}
