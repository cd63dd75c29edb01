/**
 * Who owns the bytes: runs the detectors over the final filesystem's metadata files and sums, per
 * package, the final-filesystem contentBytes of the files its own metadata lists. Each file is
 * counted once per package however many listed spellings reach it (merged-/usr: `/bin/bash` is
 * `usr/bin/bash` through the `bin` symlink). Deleted or overwritten files count to waste, not to
 * the package. Pure.
 */
import type { LayerScan } from '../layer/types.js';
import type { DetectedPackage, Detector } from '../detectors/types.js';
import type { ListBudget } from '../detectors/budget.js';
import { displayPath, dirname, joinPath, normalizePath } from '../base/paths.js';
import type { Folder, ReportPackage, UnownedKind } from '../report/schema.js';
import { folderTotals, isContent, lookup, walk, walkNamed, type FinalEntry, type FsNode } from './squash.js';
import { unownedKind } from './unowned-kinds.js';

/** A package as the report carries it (report/schema.ts): layer numbers and paths as the image shows them. */
export type PackageUsage = ReportPackage;

export interface Ownership {
  readonly packages: readonly PackageUsage[];
  /** Final contentBytes no package lists, and the largest folders holding them. */
  readonly unowned: { readonly bytes: number; readonly files: number; readonly directories: readonly Folder[]; readonly kinds: readonly { kind: UnownedKind; bytes: number; files: number }[] };
  /** Final paths listed by two or more packages. */
  readonly claimedTwice: number;
  /** The package (its position in `packages`) that claimed an entry first, for the tree's colours. */
  readonly ownerOf: (e: FinalEntry) => number | undefined;
}

/** The captured metadata files whose final-filesystem entry is the captured copy, and those over their cap (their sizes). */
export function finalMetaFiles(layers: readonly Pick<LayerScan, 'captured' | 'oversize'>[], root: FsNode): { files: Map<string, Buffer>; oversize: Map<string, number> } {
  const files = new Map<string, Buffer>();
  const oversize = new Map<string, number>();
  const isFinal = (path: string, layer: number): boolean => {
    const e = lookup(root, path);
    return e !== undefined && e.kind === 'file' && e.layer === layer;
  };
  layers.forEach((l, i) => {
    for (const [path, data] of l.captured) if (isFinal(path, i)) files.set(path, data);
    for (const [path, size] of l.oversize ?? []) if (isFinal(path, i)) oversize.set(path, size);
  });
  return { files, oversize };
}

/** Follows symlinked folders among the parents of `p` (not the leaf), as a lookup would. */
export function resolveParents(root: FsNode, p: string, maxHops = 40): string {
  let parts = p === '' ? [] : p.split('/');
  let hops = maxHops;
  let i = 0;
  while (i < parts.length - 1) {
    const head = parts.slice(0, i + 1).join('/');
    const e = lookup(root, head);
    if (e && e.kind === 'symlink' && hops > 0 && e.target !== undefined) {
      const base = e.target.startsWith('/') ? normalizePath(e.target) : normalizePath(`${dirname(head)}/${e.target}`);
      parts = [...(base === '' ? [] : base.split('/')), ...parts.slice(i + 1)];
      hops--;
      i = 0;
      continue;
    }
    i++;
  }
  return parts.join('/');
}

/**
 * The entry at `p` with symlinked folders among its parents followed: lookup(resolveParents(p)),
 * walking the tree once when no parent is a symlink (most listed paths).
 */
export function lookupThroughLinks(root: FsNode, p: string): FinalEntry | undefined {
  return lookup(root, p, () => lookup(root, resolveParents(root, p)));
}

/** What a package's list can own: final content (files, symlinks) and hardlinks (0 bytes of their own). */
const counts = (e: FinalEntry | undefined): e is FinalEntry => isContent(e) || e?.kind === 'hardlink';

export function attributePackages(detected: readonly DetectedPackage[], root: FsNode, opts: { depth?: number; top?: number } = {}): Ownership {
  // owned entries, by identity (no path strings kept per file), each with the first package to claim it
  const owned = new Map<FinalEntry, number>();
  let claimedTwice = 0;
  const sums = detected.map(() => ({ bytes: 0, files: 0, layers: new Set<number>(), compiledBytes: 0, compiledFiles: 0 }));
  /** `seen`: the entries this package has counted already (a file listed under several spellings counts once). */
  const add = (e: FinalEntry, by: number, seen?: Set<FinalEntry>): void => {
    if (seen?.has(e)) return;
    seen?.add(e);
    if (owned.has(e)) claimedTwice++;
    else owned.set(e, by);
    const s = sums[by]!;
    s.files++;
    if (e.kind !== 'hardlink') s.bytes += e.size;
    s.layers.add(e.layer + 1);
  };
  detected.forEach((d, index) => {
    const mine = new Set<FinalEntry>();
    if (d.folder !== undefined) {
      const node = findNode(root, d.folder);
      if (node) {
        walk(node, d.folder, (path, e) => {
          if (d.excludeUnder && (path === d.excludeUnder || path.startsWith(`${d.excludeUnder}/`))) return;
          if (counts(e)) add(e, index, mine);
        });
      }
    } else {
      for (const listed of d.paths ?? []) {
        const e = lookupThroughLinks(root, listed);
        if (counts(e)) add(e, index, mine);
      }
    }
  });
  // bytecode compiled after install (Debian byte-compiles python3-* packages in postinst): a .pyc no
  // list names belongs to the owner of the .py it was compiled from
  compiledBytecode(root, (pyc, source) => {
    const by = owned.get(source);
    if (owned.has(pyc) || by === undefined) return;
    add(pyc, by);
    sums[by]!.compiledBytes += pyc.size;
    sums[by]!.compiledFiles++;
  });
  const packages: PackageUsage[] = detected.map((d, i) => {
    const s = sums[i]!;
    return {
      ecosystem: d.ecosystem,
      name: d.name,
      version: d.version,
      bytes: s.bytes,
      files: s.files,
      layers: [...s.layers].sort((a, b) => a - b),
      ...(d.location !== undefined ? { location: `/${d.location}` } : {}),
      ...(d.attribution !== undefined ? { attribution: d.attribution } : {}),
      ...(d.build !== undefined ? { build: d.build } : {}),
      ...(d.channel !== undefined ? { channel: d.channel } : {}),
      ...(s.compiledFiles > 0 ? { compiled: { bytes: s.compiledBytes, files: s.compiledFiles } } : {}),
    };
  });

  const depth = opts.depth ?? 3;
  let unownedBytes = 0;
  let unownedFiles = 0;
  const dirs = folderTotals(root, depth, (e) => !owned.has(e));
  const kinds = new Map<UnownedKind, { bytes: number; files: number }>();
  walkNamed(root, '', (e, dir, name) => {
    if (!isContent(e) || owned.has(e)) return;
    unownedBytes += e.size;
    if (e.kind === 'file') unownedFiles++;
    const kind = unownedKind(joinPath(dir, name));
    let k = kinds.get(kind);
    if (!k) kinds.set(kind, (k = { bytes: 0, files: 0 }));
    k.bytes += e.size;
    if (e.kind === 'file') k.files++;
  });
  const order = (a: PackageUsage, b: PackageUsage): number =>
    b.bytes - a.bytes || (a.ecosystem < b.ecosystem ? -1 : a.ecosystem > b.ecosystem ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sorted = packages.map((p, i) => ({ p, i })).sort((a, b) => order(a.p, b.p));
  const position = new Map(sorted.map((s, at) => [s.i, at]));
  return {
    packages: sorted.map((s) => s.p),
    unowned: {
      bytes: unownedBytes,
      files: unownedFiles,
      directories: [...dirs.entries()]
        .map(([path, v]) => ({ path: `/${displayPath(path)}`, ...v }))
        .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1))
        .slice(0, opts.top ?? 10),
      kinds: [...kinds.entries()].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => b.bytes - a.bytes || (a.kind < b.kind ? -1 : 1)),
    },
    claimedTwice,
    ownerOf: (e) => {
      const by = owned.get(e);
      return by === undefined ? undefined : position.get(by);
    },
  };
}

/** Every detector over the metadata it wants, all of them within one budget for the image (detectors/budget.ts). */
export function detectPackages(detectors: readonly Detector[], meta: ReturnType<typeof finalMetaFiles>, budget: ListBudget): DetectedPackage[] {
  return detectors.flatMap((d) => {
    const mine = new Map<string, Buffer>();
    for (const [p, b] of meta.files) if (d.wants(p)) mine.set(p, b);
    const oversize = new Map<string, number>();
    for (const [p, n] of meta.oversize) if (d.wants(p)) oversize.set(p, n);
    return mine.size > 0 || oversize.size > 0 ? d.detect(mine, { budget, oversize }) : [];
  });
}

function findNode(root: FsNode, path: string): FsNode | undefined {
  let cur: FsNode | undefined = root;
  for (const name of path.split('/')) {
    cur = cur?.children?.get(name);
    if (!cur) return undefined;
  }
  return cur;
}

/**
 * Every regular `.pyc` with the `.py` it was compiled from in the same image: `dir/__pycache__/
 * name.<tag>[.opt-N].pyc` from `dir/name.py` (PEP 3147), and Python 2's `dir/name.pyc` beside it.
 */
export function compiledBytecode(root: FsNode, visit: (pyc: FinalEntry, source: FinalEntry) => void): void {
  const stack: FsNode[] = [root];
  for (let dir = stack.pop(); dir; dir = stack.pop()) {
    if (!dir.children) continue;
    for (const [name, child] of dir.children) {
      if (child.children) {
        if (name === '__pycache__') {
          for (const [pycName, pyc] of child.children) {
            if (pyc.entry?.kind !== 'file' || !pycName.endsWith('.pyc')) continue;
            const dot = pycName.indexOf('.');
            const source = dir.children.get(`${pycName.slice(0, dot)}.py`)?.entry;
            if (dot > 0 && source?.kind === 'file') visit(pyc.entry, source);
          }
        }
        stack.push(child);
      }
      if (child.entry?.kind === 'file' && name.endsWith('.pyc') && name.indexOf('.') === name.length - 4) {
        const source = dir.children.get(`${name.slice(0, -4)}.py`)?.entry;
        if (source?.kind === 'file') visit(child.entry, source);
      }
    }
  }
}
