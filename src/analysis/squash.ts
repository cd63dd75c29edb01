/**
 * Merges layer scans into the final filesystem, applying the OCI whiteout rules:
 * a layer's opaque markers and `.wh.` deletions hide LOWER layers only (so they are applied
 * before the layer's own entries), a non-directory replacing a directory hides what was
 * under it, and anything replaced or hidden is waste, charged to the layer that shipped it
 * and counted once. Pure: plain data in, plain data out.
 */
import type { EntryKind, LayerScan } from '../layer/types.js';
import { joinPath } from '../base/paths.js';

export interface FinalEntry {
  readonly kind: EntryKind;
  /** contentBytes of the entry (file size, symlink target length, else 0). */
  readonly size: number;
  /** Index of the layer that put it there (for a file, the layer that shipped its data). */
  readonly layer: number;
  readonly target?: string | undefined;
  /** The names of a hardlinked file's data: the data stays while one of them does. */
  readonly inode?: Inode | undefined;
}

/** One file's data reached by several names (a tar hardlink group). */
export interface Inode {
  readonly names: Set<FsNode>;
}

/** A node of the merged tree; an entry and children may coexist (as in a flat path map). */
export interface FsNode {
  entry?: FinalEntry | undefined;
  children?: Map<string, FsNode> | undefined;
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

/** An entry whose bytes are content of the final filesystem (finalBytes): a regular file or a symlink. */
export function isContent(e: FinalEntry | undefined): e is FinalEntry & { readonly kind: 'file' | 'symlink' } {
  return e !== undefined && (e.kind === 'file' || e.kind === 'symlink');
}

export function squash(layers: readonly LayerInput[]): Squashed {
  const root: FsNode = {};
  const wasted = layers.map(() => 0);
  const wastedPaths: WastedPath[] = [];

  /**
   * An entry leaves the merged tree (deleted, overwritten, under a replaced folder): its bytes are
   * waste — unless it is one name of a hardlinked file whose other names stay: then one of them
   * holds the data from now on (it is the file; the layer that shipped the data keeps it).
   */
  const release = (node: FsNode, e: FinalEntry, path: string, by: number): void => {
    const ino = e.inode;
    if (ino) {
      ino.names.delete(node);
      if (e.kind !== 'file') return; // another name of the data: no bytes of its own
      const heir = ino.names.values().next().value;
      if (heir) {
        heir.entry = { kind: 'file', size: e.size, layer: e.layer, inode: ino };
        return;
      }
    }
    if (e.size > 0) {
      wasted[e.layer]! += e.size;
      wastedPaths.push({ path, bytes: e.size, layer: e.layer, by });
    }
  };

  // iterative: a path of thousands of components must not overflow the stack
  const drop = (top: FsNode, topPath: string, by: number, withSelf: boolean): void => {
    const todo: [FsNode, string, boolean][] = [[top, topPath, withSelf]];
    for (let item = todo.pop(); item; item = todo.pop()) {
      const [node, path, self] = item;
      if (self && node.entry) {
        release(node, node.entry, path, by);
        node.entry = undefined;
      }
      if (node.children) {
        const kids = [...node.children];
        node.children = undefined;
        for (let i = kids.length - 1; i >= 0; i--) todo.push([kids[i]![1], path === '' ? kids[i]![0] : `${path}/${kids[i]![0]}`, true]);
      }
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

  /** A hardlink joins the file it names (as the tree is now) to one group of names of its data. */
  const hardlink = (node: FsNode, target: string | undefined, li: number): FinalEntry => {
    const link: FinalEntry = { kind: 'hardlink', size: 0, layer: li };
    const t = target === undefined ? undefined : find(target)?.node;
    const te = t?.entry;
    if (!t || t === node || !te || (te.kind !== 'file' && !te.inode)) return link;
    let ino = te.inode;
    if (!ino) {
      ino = { names: new Set([t]) };
      t.entry = { ...te, inode: ino };
    }
    ino.names.add(node);
    return { ...link, inode: ino };
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
        node.entry = undefined;
        release(node, prev, e.path, li);
      }
      if (e.kind === 'hardlink') node.entry = hardlink(node, e.target, li);
      else node.entry = e.kind === 'symlink' ? { kind: e.kind, size: e.size, layer: li, target: e.target } : { kind: e.kind, size: e.size, layer: li };
    }
  });

  let finalBytes = 0;
  let finalFiles = 0;
  eachEntry(root, (e) => {
    if (isContent(e)) finalBytes += e.size;
    if (e.kind === 'file') finalFiles++;
  });
  return { root, finalBytes, finalFiles, wastedBytesByLayer: wasted, wastedPaths };
}

/**
 * Depth-first over the tree, children in insertion order, with an explicit stack (no recursion on
 * the depth of paths, which the image controls): `enter` sees each child with its folder's path.
 */
function depthFirst(root: FsNode, rootPath: string, enter: (child: FsNode, dir: string, name: string) => void): void {
  const stack: { dir: string; it: Iterator<[string, FsNode]> }[] = [];
  if (root.children) stack.push({ dir: rootPath, it: root.children.entries() });
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.it.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const [name, child] = next.value;
    enter(child, top.dir, name);
    if (child.children) stack.push({ dir: joinPath(top.dir, name), it: child.children.entries() });
  }
}

/** Visits every entry of the merged tree without building paths (cheaper than walk). */
export function eachEntry(node: FsNode, visit: (e: FinalEntry) => void): void {
  if (node.entry) visit(node.entry);
  const stack: Iterator<FsNode>[] = node.children ? [node.children.values()] : [];
  while (stack.length > 0) {
    const next = stack[stack.length - 1]!.next();
    if (next.done) {
      stack.pop();
      continue;
    }
    if (next.value.entry) visit(next.value.entry);
    if (next.value.children) stack.push(next.value.children.values());
  }
}

/** Visits every entry of the merged tree, depth first, children in insertion order. */
export function walk(node: FsNode, path: string, visit: (path: string, e: FinalEntry) => void): void {
  if (node.entry) visit(path, node.entry);
  depthFirst(node, path, (child, dir, name) => {
    if (child.entry) visit(joinPath(dir, name), child.entry);
  });
}

/**
 * Visits every entry below `node` with its folder's path and its own name: the visitor builds the
 * full path only when it needs it (most analyses look at a few files of thousands).
 */
export function walkNamed(node: FsNode, dir: string, visit: (e: FinalEntry, dir: string, name: string) => void): void {
  depthFirst(node, dir, (child, d, name) => {
    if (child.entry) visit(child.entry, d, name);
  });
}

/**
 * The entry at a normalised path, or undefined. With `atLinkedParent`, a parent that is a symlink
 * stops the walk and that answers instead (packages.ts follows the link).
 */
export function lookup(root: FsNode, path: string, atLinkedParent?: () => FinalEntry | undefined): FinalEntry | undefined {
  if (path === '') return root.entry;
  let cur: FsNode | undefined = root;
  let start = 0;
  for (;;) {
    const slash = path.indexOf('/', start);
    const name = slash < 0 ? path.slice(start) : path.slice(start, slash);
    cur = cur.children?.get(name);
    if (!cur) return undefined;
    if (slash < 0) return cur.entry;
    if (atLinkedParent && cur.entry?.kind === 'symlink') return atLinkedParent();
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
  type Frame = { path: string; level: number; it: Iterator<[string, FsNode]>; bytes: number; files: number; count: number };
  const frame = (node: FsNode, path: string, level: number): Frame => ({ path, level, it: node.children!.entries(), bytes: 0, files: 0, count: 0 });
  if (!root.children) return out;
  // iterative post-order: a folder's sums are complete when its frame is popped
  const stack: Frame[] = [frame(root, '', 0)];
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    const next = f.it.next();
    if (next.done) {
      stack.pop();
      if (f.level >= 1 && f.level <= depth && f.count > 0) out.set(f.path, { bytes: f.bytes, files: f.files });
      const parent = stack[stack.length - 1];
      if (parent) {
        parent.bytes += f.bytes;
        parent.files += f.files;
        parent.count += f.count;
      }
      continue;
    }
    const [name, child] = next.value;
    const e = child.entry;
    if (isContent(e) && include(e)) {
      f.bytes += e.size;
      if (e.kind === 'file') f.files++;
      f.count++;
    }
    if (child.children) stack.push(frame(child, f.level < depth ? joinPath(f.path, name) : '', f.level + 1));
  }
  return out;
}
