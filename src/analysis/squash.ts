/**
 * Merges layer scans into the final filesystem, applying the OCI whiteout rules:
 * a layer's opaque markers and `.wh.` deletions hide LOWER layers only (so they are applied
 * before the layer's own entries), a non-directory replacing a directory hides what was
 * under it, and anything replaced or hidden is waste, charged to the layer that shipped it
 * and counted once. Pure: plain data in, plain data out.
 */
import type { EntryKind, LayerScan } from '../layer/scan.js';
import { joinPath } from '../layer/paths.js';

export interface FinalEntry {
  readonly kind: EntryKind;
  /** contentBytes of the entry (file size, symlink target length, else 0). */
  readonly size: number;
  /** Index of the layer that put it there. */
  readonly layer: number;
  readonly target?: string;
}

/** A node of the merged tree; an entry and children may coexist (as in a flat path map). */
export interface FsNode {
  entry?: FinalEntry;
  children?: Map<string, FsNode>;
}

export interface WastedPath {
  readonly path: string;
  readonly bytes: number;
  /** Layer that shipped the bytes. */
  readonly layer: number;
  /** Layer that deleted or replaced them. */
  readonly by: number;
}

export interface Squashed {
  readonly root: FsNode;
  /** contentBytes over the merged filesystem. */
  readonly finalBytes: number;
  /** Regular files in the merged filesystem. */
  readonly finalFiles: number;
  /** Per layer: its contentBytes that a later layer deleted or replaced. */
  readonly wastedBytesByLayer: readonly number[];
  /** Every deleted or replaced entry of non-zero size. */
  readonly wastedPaths: readonly WastedPath[];
}

type LayerInput = Pick<LayerScan, 'files' | 'opaqueDirs' | 'deletions'>;

export function squash(layers: readonly LayerInput[]): Squashed {
  const root: FsNode = {};
  const wasted = layers.map(() => 0);
  const wastedPaths: WastedPath[] = [];

  const drop = (node: FsNode, path: string, by: number, withSelf: boolean): void => {
    if (withSelf && node.entry) {
      if (node.entry.size > 0) {
        wasted[node.entry.layer]! += node.entry.size;
        wastedPaths.push({ path, bytes: node.entry.size, layer: node.entry.layer, by });
      }
      node.entry = undefined;
    }
    if (node.children) {
      for (const [name, child] of node.children) drop(child, path === '' ? name : `${path}/${name}`, by, true);
      node.children = undefined;
    }
  };

  const find = (path: string): { parent: FsNode; name: string; node: FsNode | undefined } | undefined => {
    let cur = root;
    const parts = path.split('/');
    for (let i = 0; i < parts.length - 1; i++) {
      const next = cur.children?.get(parts[i]!);
      if (!next) return undefined;
      cur = next;
    }
    const name = parts[parts.length - 1]!;
    return { parent: cur, name, node: cur.children?.get(name) };
  };

  const child = (parent: FsNode, name: string): FsNode => {
    parent.children ??= new Map();
    let next = parent.children.get(name);
    if (!next) {
      next = {};
      parent.children.set(name, next);
    }
    return next;
  };

  const ensure = (path: string): FsNode => {
    if (path === '') return root;
    let cur = root;
    let start = 0;
    for (;;) {
      const slash = path.indexOf('/', start);
      cur = child(cur, slash < 0 ? path.slice(start) : path.slice(start, slash));
      if (slash < 0) return cur;
      start = slash + 1;
    }
  };

  layers.forEach((layer, li) => {
    for (const dir of layer.opaqueDirs) {
      const node = dir === '' ? root : find(dir)?.node;
      if (node) drop(node, dir, li, false);
    }
    for (const p of layer.deletions) {
      if (p === '') continue;
      const f = find(p);
      if (f?.node) {
        drop(f.node, p, li, true);
        f.parent.children!.delete(f.name);
      }
    }
    // members come grouped by folder, a folder's own entry just before its contents: the last
    // folder's node and the previous entry's node are kept (until a drop may detach them)
    let lastDir: string | undefined;
    let lastDirNode = root;
    let prevPath: string | undefined;
    let prevNode = root;
    for (const e of layer.files) {
      const slash = e.path.lastIndexOf('/');
      let node: FsNode;
      if (slash < 0) node = e.path === '' ? root : child(root, e.path);
      else {
        const dir = e.path.slice(0, slash);
        if (dir !== lastDir) {
          lastDirNode = dir === prevPath ? prevNode : ensure(dir);
          lastDir = dir;
        }
        node = child(lastDirNode, e.path.slice(slash + 1));
      }
      prevPath = e.path;
      prevNode = node;
      const prev = node.entry;
      if (prev) {
        if (prev.kind === 'dir' && e.kind !== 'dir') {
          drop(node, e.path, li, false);
          lastDir = undefined;
        }
        if (prev.size > 0) {
          wasted[prev.layer]! += prev.size;
          wastedPaths.push({ path: e.path, bytes: prev.size, layer: prev.layer, by: li });
        }
      }
      node.entry = e.kind === 'symlink' ? { kind: e.kind, size: e.size, layer: li, target: e.target } : { kind: e.kind, size: e.size, layer: li };
    }
  });

  let finalBytes = 0;
  let finalFiles = 0;
  eachEntry(root, (e) => {
    if (e.kind === 'file' || e.kind === 'symlink') finalBytes += e.size;
    if (e.kind === 'file') finalFiles++;
  });
  return { root, finalBytes, finalFiles, wastedBytesByLayer: wasted, wastedPaths };
}

/** Visits every entry of the merged tree without building paths (cheaper than walk). */
export function eachEntry(node: FsNode, visit: (e: FinalEntry) => void): void {
  if (node.entry) visit(node.entry);
  if (node.children) for (const child of node.children.values()) eachEntry(child, visit);
}

/** Visits every entry of the merged tree, depth first, children in insertion order. */
export function walk(node: FsNode, path: string, visit: (path: string, e: FinalEntry) => void): void {
  if (node.entry) visit(path, node.entry);
  if (node.children) {
    for (const [name, child] of node.children) walk(child, joinPath(path, name), visit);
  }
}

/**
 * Visits every entry below `node` with its folder's path and its own name: the visitor builds the
 * full path only when it needs it (most analyses look at a few files of thousands).
 */
export function walkNamed(node: FsNode, dir: string, visit: (e: FinalEntry, dir: string, name: string) => void): void {
  if (!node.children) return;
  for (const [name, child] of node.children) {
    if (child.entry) visit(child.entry, dir, name);
    if (child.children) walkNamed(child, joinPath(dir, name), visit);
  }
}

/** The entry at a normalised path, or undefined. */
export function lookup(root: FsNode, path: string): FinalEntry | undefined {
  if (path === '') return root.entry;
  let cur: FsNode | undefined = root;
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const name = slash < 0 ? path.slice(start) : path.slice(start, slash);
    cur = cur.children?.get(name);
    if (!cur) return undefined;
    if (slash < 0) return cur.entry;
    start = slash + 1;
  }
}

export interface FolderTotal {
  bytes: number;
  files: number;
}

/**
 * Per folder down to `depth` levels: the contentBytes (and regular files) of the files and symlinks
 * below it that `include` accepts; folders with none are left out. One pass over the tree, no path
 * per file: the per-folder sums of the folders tables.
 */
export function folderTotals(root: FsNode, depth: number, include: (e: FinalEntry) => boolean = () => true): Map<string, FolderTotal> {
  const out = new Map<string, FolderTotal>();
  const visit = (node: FsNode, path: string, level: number): { bytes: number; files: number; count: number } => {
    const t = { bytes: 0, files: 0, count: 0 };
    if (!node.children) return t;
    for (const [name, child] of node.children) {
      const e = child.entry;
      if (e && (e.kind === 'file' || e.kind === 'symlink') && include(e)) {
        t.bytes += e.size;
        if (e.kind === 'file') t.files++;
        t.count++;
      }
      if (child.children) {
        const sub = visit(child, level < depth ? joinPath(path, name) : '', level + 1);
        t.bytes += sub.bytes;
        t.files += sub.files;
        t.count += sub.count;
      }
    }
    if (level >= 1 && level <= depth && t.count > 0) out.set(path, { bytes: t.bytes, files: t.files });
    return t;
  };
  visit(root, '', 0);
  return out;
}
