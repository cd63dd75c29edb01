/**
 * forbiddenPaths: what matches in ANY layer, not only in the final filesystem — a secret copied in
 * one layer and deleted in the next still ships in the lower layer. Hits are grouped by the path
 * the glob names (a folder stands for everything below it) and the layer that holds it. Pure.
 */
import type { LayerScan } from '../layer/types.js';
import { displayPath } from '../base/paths.js';
import { compilePathGlobs } from './glob.js';
import { lookup, type FsNode } from '../analysis/squash.js';
import type { ForbiddenHit } from '../report/schema.js';

export type { ForbiddenHit };

type Layer = Pick<LayerScan, 'files' | 'deletions' | 'opaqueDirs'>;

export function forbiddenHits(globs: readonly string[], layers: readonly Layer[], root: FsNode): ForbiddenHit[] {
  const m = compilePathGlobs(globs);
  const groups = new Map<string, { path: string; layer: number; entries: number; bytes: number; present: boolean }>();
  layers.forEach((l, li) => {
    for (const e of l.files) {
      const n = m.matchPrefix(e.path);
      if (n === 0) continue;
      const prefix = prefixOf(e.path, n);
      const key = `${li}\0${prefix}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { path: prefix, layer: li, entries: 0, bytes: 0, present: false }));
      g.entries++;
      g.bytes += e.size;
      if (!g.present) {
        const now = lookup(root, e.path);
        g.present = now !== undefined && now.layer === li && now.kind === e.kind;
      }
    }
  });
  const fileSets = new Map<number, Set<string>>();
  const filesOf = (li: number): Set<string> => {
    let s = fileSets.get(li);
    if (!s) fileSets.set(li, (s = new Set(layers[li]!.files.map((f) => f.path))));
    return s;
  };
  return [...groups.values()]
    .map((g) => ({
      path: `/${displayPath(g.path)}`,
      layer: g.layer + 1,
      entries: g.entries,
      bytes: g.bytes,
      removedBy: g.present ? null : plusOne(removedBy(g.path, g.layer, layers, filesOf)),
    }))
    .sort((a, b) => a.layer - b.layer || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Layer index (0-based, internal) → layer number (1-based, the report's). */
const plusOne = (i: number | null): number | null => (i === null ? null : i + 1);

function prefixOf(path: string, segments: number): string {
  let at = -1;
  for (let i = 0; i < segments; i++) {
    at = path.indexOf('/', at + 1);
    if (at < 0) return path;
  }
  return path.slice(0, at);
}

/** The first layer after `from` that deletes `path` (or a folder above it), hides it, or replaces it. */
function removedBy(path: string, from: number, layers: readonly Layer[], filesOf: (li: number) => Set<string>): number | null {
  const above = (p: string): boolean => p === '' || path === p || path.startsWith(`${p}/`);
  for (let li = from + 1; li < layers.length; li++) {
    const l = layers[li]!;
    if (l.deletions.some(above) || l.opaqueDirs.some((d) => d !== path && above(d)) || filesOf(li).has(path)) return li;
  }
  return null;
}
