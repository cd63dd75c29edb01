/**
 * rpm: the sqlite database of rpm ≥ 4.16 (Fedora ≥ 33, RHEL/UBI 9, Amazon Linux 2023) —
 * `var/lib/rpm/rpmdb.sqlite`, or `usr/lib/sysimage/rpm/rpmdb.sqlite` where /var/lib/rpm is a
 * symlink to it — read from memory as it was captured (nothing is written to disk) with sql.js
 * (SQLite compiled to WebAssembly: no native build, no download at install). Each row of its
 * Packages table is an rpm header blob, decoded here for the name, version-release and the file
 * list (dirnames + basenames). Older databases (BerkeleyDB `Packages`, SUSE's `Packages.db`) are
 * not read; `rpmDatabaseProblems` says so instead of an empty package list.
 */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { Listing, type ListBudget } from './budget.js';
import { normalizePath } from '../base/paths.js';

/**
 * Where rpm keeps its database, in every format, in both folders it uses (Fedora ≥ 36 moved it to
 * /usr/lib/sysimage/rpm; /var/lib/rpm is then a symlink): the sqlite database of rpm ≥ 4.16, which
 * is read, and the older ones (BerkeleyDB `Packages`, SUSE's ndb `Packages.db`), which are not.
 */
export const RPM_DATABASES: readonly string[] = ['var/lib/rpm', 'usr/lib/sysimage/rpm'].flatMap((d) => [`${d}/rpmdb.sqlite`, `${d}/Packages`, `${d}/Packages.db`]);
const isSqlite = (p: string): boolean => p.endsWith('/rpmdb.sqlite') && RPM_DATABASES.includes(p);
const isOld = (p: string): boolean => !p.endsWith('/rpmdb.sqlite') && RPM_DATABASES.includes(p);
/** The Packages table as rpm creates it (lib/backend/sqlite.c): an integer key and the header blob. */
const PACKAGES_TABLE = /^CREATE TABLE\s+['"`]?Packages['"`]?\s*\(\s*hnum\s+INTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\s*,\s*blob\s+BLOB(\s+NOT\s+NULL)?\s*\)\s*$/i;

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, arch: 1022, oldFilenames: 1027, dirIndexes: 1116, basenames: 1117, dirnames: 1118 } as const;
const TYPE = { int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;
/** More index entries or data than any real header holds (a big package: ~100k files, a few MB). */
const MAX_ENTRIES = 1 << 20;

interface Entry {
  readonly type: number;
  readonly offset: number;
  readonly count: number;
}

/** A decoded header: its entries by tag over its data store. Bounds are checked on every read. */
class Header {
  private constructor(
    private readonly entries: ReadonlyMap<number, Entry>,
    private readonly data: Buffer,
  ) {}

  /** The blob of one Packages row: index count, data length, the index, the data (rpm's header.c). */
  static parse(blob: Uint8Array): Header | undefined {
    const b = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    if (b.length < 8) return undefined;
    const il = b.readUInt32BE(0);
    const dl = b.readUInt32BE(4);
    if (il > MAX_ENTRIES || 8 + il * 16 + dl > b.length) return undefined;
    const data = b.subarray(8 + il * 16, 8 + il * 16 + dl);
    const entries = new Map<number, Entry>();
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const tag = b.readUInt32BE(at);
      if (!entries.has(tag)) entries.set(tag, { type: b.readUInt32BE(at + 4), offset: b.readUInt32BE(at + 8), count: b.readUInt32BE(at + 12) });
    }
    return new Header(entries, data);
  }

  /** The strings of a STRING, STRING_ARRAY or I18NSTRING entry (NUL-terminated, raw bytes as latin1). */
  strings(tag: number): string[] {
    const e = this.entries.get(tag);
    if (!e || (e.type !== TYPE.string && e.type !== TYPE.stringArray && e.type !== TYPE.i18nString)) return [];
    const n = e.type === TYPE.string ? 1 : e.count;
    if (n > this.data.length) return [];
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < n && at < this.data.length; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) break;
      out.push(this.data.toString('latin1', at, end));
      at = end + 1;
    }
    return out;
  }

  string(tag: number): string | undefined {
    return this.strings(tag)[0];
  }

  ints(tag: number): number[] {
    const e = this.entries.get(tag);
    if (!e || e.type !== TYPE.int32 || e.offset + e.count * 4 > this.data.length) return [];
    return Array.from({ length: e.count }, (_, i) => this.data.readUInt32BE(e.offset + i * 4));
  }
}

const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/**
 * A package from its header, its files as paths of the image (no leading /). A header's file list
 * is DIRNAMES × BASENAMES through DIRINDEXES: each path's length is known before it is built, so a
 * long directory name shared by many base names costs a count, not its product (budget.ts).
 */
export function packageOfHeader(blob: Uint8Array, budget: ListBudget = looseContext().budget): DetectedPackage | undefined {
  const h = Header.parse(blob);
  const name = h?.string(TAG.name);
  if (!h || !name) return undefined;
  const version = h.string(TAG.version);
  const release = h.string(TAG.release);
  const epoch = h.ints(TAG.epoch)[0];
  const dirs = h.strings(TAG.dirnames);
  const bases = h.strings(TAG.basenames);
  const index = h.ints(TAG.dirIndexes);
  const list = new Listing(budget);
  if (bases.length > 0) {
    for (let i = 0; i < bases.length; i++) {
      const dir = dirs[index[i] ?? -1];
      const base = bases[i]!;
      if (dir !== undefined && !list.add(dir.length + base.length, () => normalizePath(`${dir}${base}`))) break;
    }
  } else {
    for (const f of h.strings(TAG.oldFilenames)) if (!list.add(f.length, () => normalizePath(f))) break;
  }
  const v = version === undefined ? null : `${epoch ? `${epoch}:` : ''}${version}${release ? `-${release}` : ''}`;
  return { ecosystem: 'rpm', name: utf8(name), version: v === null ? null : utf8(v), ...list.result() };
}

interface SqlJs {
  Database: new (data: Uint8Array) => { exec(sql: string): { values: unknown[][] }[]; close(): void };
}

let sql: SqlJs | undefined;
/** sql.js's WebAssembly, base64, built into the action's bundle; undefined elsewhere. */
declare const __IMGSIZE_SQL_WASM__: string | undefined;

export const rpm: Detector = {
  ecosystem: 'rpm',
  maxBytes: 256 << 20, // a full Fedora workstation's rpmdb.sqlite is ~150 MB; a container's 2–20 MB
  wants: isSqlite,
  async prepare(): Promise<void> {
    if (sql) return;
    const init = (await import('sql.js')).default as (o?: { wasmBinary?: Uint8Array }) => Promise<SqlJs>;
    // the action's bundle carries the WebAssembly (scripts/bundle.mjs); elsewhere sql.js finds its own file
    sql = await init(typeof __IMGSIZE_SQL_WASM__ === 'string' ? { wasmBinary: Buffer.from(__IMGSIZE_SQL_WASM__, 'base64') } : undefined);
  },
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    // the one the final filesystem holds (both paths are one file where var/lib/rpm is a symlink)
    const db = [...files.entries()].find(([p]) => isSqlite(p))?.[1];
    if (!db || !sql) return [];
    let rows: unknown[][] = [];
    try {
      const d = new sql.Database(db);
      try {
        // the image chose this database: only a plain table of rpm's own shape is read (a view or
        // a generated column could make one SELECT run forever or allocate without bound)
        const schema = d.exec("SELECT type, sql FROM sqlite_master WHERE name = 'Packages'")[0]?.values ?? [];
        if (schema.length === 1 && schema[0]![0] === 'table' && PACKAGES_TABLE.test(String(schema[0]![1]))) {
          rows = d.exec('SELECT blob FROM Packages ORDER BY hnum')[0]?.values ?? [];
        }
      } finally {
        d.close();
      }
    } catch {
      return []; // not a database rpm wrote (rpmDatabaseProblems says so)
    }
    return rows.flatMap(([blob]) => {
      const p = blob instanceof Uint8Array ? packageOfHeader(blob, ctx.budget) : undefined;
      return p ? [p] : [];
    });
  },
};

/**
 * What the report should say about rpm databases it could not read: an older format present, or
 * an sqlite database that yielded no package. `paths`: those of RPM_DATABASES the image holds.
 */
export function rpmDatabaseProblems(paths: readonly string[], readPackages: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    // one file reached by two names (var/lib/rpm → usr/lib/sysimage/rpm) is said once
    const file = p.slice(p.lastIndexOf('/') + 1);
    if (seen.has(file)) continue;
    seen.add(file);
    if (isOld(p)) out.push(`/${p}: an rpm database in the BerkeleyDB or ndb format (rpm < 4.16, SUSE): present, not read — its packages are not listed`);
    else if (isSqlite(p) && readPackages === 0) out.push(`/${p}: an rpm database imgsize could not read (not captured, or not a database rpm wrote): its packages are not listed`);
  }
  return out;
}
