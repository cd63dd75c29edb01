/**
 * Package metadata built to amplify (issue 21, defects 1, 4 and 7): an rpm header whose long
 * directory name is shared by thousands of base names, file lists of millions of one-byte rows,
 * JSON records of millions of values, and metadata files over their cap. What parsing makes of
 * them is bounded by what the image holds (detectors/budget.ts); each package stays, and a
 * warning names what was not read.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar, type Entry } from '../fixtures/builder.js';
import { chunks } from '../helpers/image.js';
import { inspectImage } from '../../src/inspect.js';
import { ListBudget } from '../../src/detectors/budget.js';
import { packageOfHeader } from '../../src/detectors/rpm.js';

async function reportOf(entries: Entry[]) {
  const img = await buildImage({ layers: [{ entries, compression: 'gzip' }] });
  return (await inspectImage({ stream: chunks(await outerTar(dockerLegacyMembers([img])), 1 << 20), label: 'attack.tar' })).report;
}

/** An rpm header: name, version, release, one directory name and `bases` one-byte base names in it. */
function rpmHeader(name: string, dir: string, bases: number): Buffer {
  const entries: [tag: number, type: number, offset: number, count: number][] = [];
  const data: Buffer[] = [];
  let at = 0;
  const add = (tag: number, type: number, payload: Buffer, count: number): void => {
    entries.push([tag, type, at, count]);
    data.push(payload);
    at += payload.length;
  };
  add(1000, 6, Buffer.from(`${name}\0`), 1);
  add(1001, 6, Buffer.from('1\0'), 1);
  add(1002, 6, Buffer.from('1\0'), 1);
  add(1118, 8, Buffer.from(`${dir}\0`), 1);
  add(1117, 8, Buffer.from('a\0'.repeat(bases)), bases);
  add(1116, 4, Buffer.alloc(4 * bases), bases);
  const head = Buffer.alloc(8 + 16 * entries.length);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(at, 4);
  for (const [i, e] of entries.entries()) for (const [j, v] of e.entries()) head.writeUInt32BE(v, 8 + 16 * i + 4 * j);
  return Buffer.concat([head, ...data]);
}

async function rpmdb(headers: Buffer[]): Promise<Buffer> {
  const init = createRequire(import.meta.url)('sql.js') as () => Promise<{ Database: new () => { run(sql: string, params?: unknown[]): void; export(): Uint8Array } }>;
  const d = new (await init()).Database();
  d.run('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  for (const h of headers) d.run('INSERT INTO Packages (blob) VALUES (?)', [h]);
  return Buffer.from(d.export());
}

const small = { entries: 10, pathBytes: 200, longest: 40 };

describe('an rpm header that expands DIRNAMES × BASENAMES', () => {
  it('a directory name longer than any path of the image is counted, never joined: 64 KiB × 16,384 builds no path', () => {
    const budget = new ListBudget(small);
    const p = packageOfHeader(rpmHeader('bomb', 'd'.repeat(64 << 10), 16_384), budget)!;
    expect(p.name).toBe('bomb');
    expect(p.paths).toEqual([]);
    expect(p.limited).toBe(true);
    expect(p.attribution).toMatch(/^16384 of its listed paths are longer than any path of the image/);
  });

  it('paths short enough to be real stop at the image’s budget (per image, across headers)', () => {
    const budget = new ListBudget(small);
    const first = packageOfHeader(rpmHeader('a', 'd'.repeat(3000), 16_384), budget)!;
    const second = packageOfHeader(rpmHeader('b', 'd'.repeat(3000), 16_384), budget)!;
    // the floor of the budget: 4 MiB of path bytes for an image of a few files
    expect(first.paths?.length).toBe(Math.floor((4 << 20) / 3001));
    expect(first.limited).toBe(true);
    expect(second.paths).toEqual([]);
    expect(second.attribution).toMatch(/passes what the image can hold/);
  });

  it('in an image: the package is listed, its real file attributed, and a warning names it', async () => {
    const db = await rpmdb([rpmHeader('bomb', 'd'.repeat(1 << 20), 4096), rpmHeader('tools', '/usr/bin/', 1)]);
    const r = await reportOf([
      { path: 'var/lib/rpm/rpmdb.sqlite', content: db },
      { path: 'usr/bin/a', size: 1234 },
    ]);
    const rpm = r.packages.filter((p) => p.ecosystem === 'rpm').map((p) => [p.name, p.files, p.bytes]);
    expect(rpm).toEqual([
      ['tools', 1, 1234],
      ['bomb', 0, 0],
    ]);
    expect(r.warnings).toEqual([{ code: 'package-database-not-read', message: expect.stringMatching(/^rpm package bomb: 4096 of its listed paths are longer than any path/) }]);
  });
});

describe('file lists and records of millions of rows', () => {
  it('pip RECORDs of millions of rows keep what the image’s budget holds, and say so', async () => {
    const record = 'a,,\n'.repeat(1 << 20); // 4 MiB, a million rows
    const entries: Entry[] = [{ path: 'usr/lib/python3/site-packages/a', size: 10 }];
    for (let i = 0; i < 4; i++) {
      const d = `usr/lib/python3/site-packages/p${i}-1.0.dist-info`;
      entries.push({ path: `${d}/METADATA`, content: `Name: p${i}\nVersion: 1.0\n` }, { path: `${d}/RECORD`, content: record });
    }
    const r = await reportOf(entries);
    const pips = r.packages.filter((p) => p.ecosystem === 'pip');
    expect(pips.map((p) => p.name).sort()).toEqual(['p0', 'p1', 'p2', 'p3']);
    // the first package's list reaches the one real file before the budget (65,536 paths + 4 an entry) is spent
    expect(pips.find((p) => p.name === 'p0')).toMatchObject({ files: 1, bytes: 10 });
    expect(r.warnings.map((w) => w.message)).toEqual(
      ['p0', 'p1', 'p2', 'p3'].map((n) => `pip package ${n}: its file list passes what the image can hold (Safety limits): only the files listed before that are attributed to it`),
    );
  });

  it('a dpkg .list of millions of rows is read up to the budget', async () => {
    const r = await reportOf([
      { path: 'var/lib/dpkg/status', content: 'Package: big\nVersion: 1\n' },
      { path: 'var/lib/dpkg/info/big.list', content: '/x\n'.repeat(1 << 20) },
      { path: 'x', size: 5 },
    ]);
    expect(r.packages).toMatchObject([{ ecosystem: 'dpkg', name: 'big', version: '1', files: 1, bytes: 5 }]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^dpkg package big: its file list passes what the image can hold/)]);
  });

  it('a conda record of more JSON values than the budget is not parsed: named by its file name', async () => {
    const files = new Array<string>(1_200_000).fill('"a"').join(',');
    const r = await reportOf([{ path: 'opt/conda/conda-meta/numpy-1.26.4-py311h_0.json', content: `{"name":"numpy","version":"1.26.4","files":[${files}]}` }]);
    expect(r.packages).toMatchObject([{ ecosystem: 'conda', name: 'numpy', version: '1.26.4', files: 0 }]);
    expect(r.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^conda package numpy: its conda-meta record holds more values than the image's budget/)]);
  });
});

describe('a metadata file over its cap keeps its package, and a warning names it', () => {
  it('pip RECORD, dpkg .list and conda-meta record', async () => {
    const d = 'usr/lib/python3/site-packages/big-1.0.dist-info';
    const r = await reportOf([
      { path: `${d}/METADATA`, content: 'Name: big\nVersion: 1.0\n' },
      { path: `${d}/RECORD`, size: (8 << 20) + 1 },
      { path: 'var/lib/dpkg/status', content: 'Package: biglist\nVersion: 2\n' },
      { path: 'var/lib/dpkg/info/biglist.list', size: (8 << 20) + 1 },
      { path: 'opt/conda/conda-meta/huge-2.0-py_0.json', size: (32 << 20) + 1 },
    ]);
    expect(r.packages.map((p) => [p.ecosystem, p.name, p.version, p.files])).toEqual([
      ['conda', 'huge', '2.0', 0],
      ['dpkg', 'biglist', '2', 0],
      ['pip', 'big', '1.0', 0],
    ]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      'pip package big: its RECORD (8388609 bytes) is over the 8 MiB a file list may have (Safety limits): not read, its files are not attributed to it',
      'dpkg package biglist: its biglist.list (8388609 bytes) is over the 8 MiB a file list may have (Safety limits): not read, its files are not attributed to it',
      'conda package huge: its conda-meta/huge-2.0-py_0.json (33554433 bytes) is over the 32 MiB a file list may have (Safety limits): not read, its files are not attributed to it',
    ]);
  });
});
