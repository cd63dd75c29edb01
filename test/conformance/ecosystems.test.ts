/**
 * Package ecosystems beyond the corpus, on images assembled from the real metadata formats (the
 * truth of each is written down from how the fixture is built, not computed by the code under test):
 * conda environments (base + envs/x, files and paths_data records, a pip package inside an env, a
 * conda package with its own .dist-info), and conda's CUDA packages for the CUDA finding.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImage, dockerLegacyMembers, outerTar, type Entry } from '../fixtures/builder.js';
import { chunks } from '../helpers/image.js';
import { inspectImage } from '../../src/inspect.js';

interface CondaPkg {
  name: string;
  version: string;
  build: string;
  channel: string;
  /** Files relative to the environment, with their sizes. */
  files: [string, number][];
  /** Write the record with paths_data instead of files (newer conda). */
  pathsData?: boolean;
}

/** A conda-meta record as conda writes it (the fields conda itself reads, a size that lies). */
function record(p: CondaPkg): string {
  const list = p.files.map(([f]) => f);
  return JSON.stringify(
    {
      build: p.build,
      build_number: 0,
      channel: p.channel,
      constrains: [],
      depends: ['python >=3.11,<3.12.0a0'],
      extracted_package_dir: `/opt/conda/pkgs/${p.name}-${p.version}-${p.build}`,
      features: '',
      ...(p.pathsData ? {} : { files: list }),
      fn: `${p.name}-${p.version}-${p.build}.conda`,
      license: 'BSD-3-Clause',
      link: { source: `/opt/conda/pkgs/${p.name}-${p.version}-${p.build}`, type: 1 },
      md5: '0'.repeat(32),
      name: p.name,
      paths_data: { paths: p.files.map(([f]) => ({ _path: f, path_type: 'hardlink', sha256: '0'.repeat(64), size_in_bytes: 999_999_999 })), paths_version: 1 },
      requested_spec: p.name,
      size: 123,
      subdir: 'linux-64',
      timestamp: 1707225421,
      url: `${p.channel}/${p.name}-${p.version}-${p.build}.conda`,
      version: p.version,
    },
    null,
    1,
  );
}

function env(prefix: string, pkgs: CondaPkg[]): Entry[] {
  return pkgs.flatMap((p) => [...p.files.map(([f, size]) => ({ path: `${prefix}/${f}`, size })), { path: `${prefix}/conda-meta/${p.name}-${p.version}-${p.build}.json`, content: record(p) }]);
}

const SP = 'lib/python3.11/site-packages';
const BASE: CondaPkg[] = [
  {
    name: 'python',
    version: '3.11.8',
    build: 'hab00c5b_0_cpython',
    channel: 'https://conda.anaconda.org/conda-forge/linux-64',
    files: [
      ['bin/python3.11', 6000],
      [`lib/python3.11/os.py`, 400],
    ],
  },
  { name: 'conda', version: '24.1.2', build: 'py311h38be061_0', channel: 'https://conda.anaconda.org/conda-forge/linux-64', files: [[`${SP}/conda/__init__.py`, 700]], pathsData: true },
];
const ML: CondaPkg[] = [
  {
    name: 'pytorch',
    version: '2.2.1',
    build: 'py3.11_cuda12.1_cudnn8.9.2_0',
    channel: 'https://conda.anaconda.org/pytorch/linux-64',
    files: [
      [`${SP}/torch/__init__.py`, 1000],
      [`${SP}/torch/lib/libtorch_cuda.so`, 50_000],
      [`${SP}/torch/lib/libtorch_cpu.so`, 20_000],
    ],
    pathsData: true,
  },
  { name: 'libcublas', version: '12.1.0.26', build: '0', channel: 'https://conda.anaconda.org/nvidia/linux-64', files: [['lib/libcublas.so.12', 30_000]] },
  { name: 'pytorch-cuda', version: '12.1', build: 'ha16c6d3_5', channel: 'https://conda.anaconda.org/pytorch/linux-64', files: [] },
  {
    name: 'numpy',
    version: '1.26.4',
    build: 'py311h64a7726_0',
    channel: 'https://conda.anaconda.org/conda-forge/linux-64',
    files: [
      [`${SP}/numpy/__init__.py`, 3000],
      [`${SP}/numpy-1.26.4.dist-info/INSTALLER`, 6],
      [`${SP}/numpy-1.26.4.dist-info/METADATA`, 200],
      [`${SP}/numpy-1.26.4.dist-info/RECORD`, 100],
    ],
  },
];

async function condaImage() {
  const ml = 'opt/conda/envs/ml';
  const entries: Entry[] = [
    ...env('opt/conda', BASE),
    ...env(ml, ML).map((e) =>
      // the conda package's own .dist-info says conda installed it, and lists its files
      e.path.endsWith('numpy-1.26.4.dist-info/INSTALLER')
        ? { path: e.path, content: 'conda\n' }
        : e.path.endsWith('numpy-1.26.4.dist-info/METADATA')
          ? { path: e.path, content: 'Metadata-Version: 2.1\nName: numpy\nVersion: 1.26.4\n' }
          : e.path.endsWith('numpy-1.26.4.dist-info/RECORD')
            ? { path: e.path, content: 'numpy/__init__.py,,3000\nnumpy-1.26.4.dist-info/RECORD,,\n' }
            : e,
    ),
    // pip install inside the env: pip's package, once
    { path: `${ml}/${SP}/flask/__init__.py`, size: 2500 },
    { path: `${ml}/${SP}/flask-3.0.2.dist-info/INSTALLER`, content: 'pip\n' },
    { path: `${ml}/${SP}/flask-3.0.2.dist-info/METADATA`, content: 'Metadata-Version: 2.1\nName: Flask\nVersion: 3.0.2\n' },
    { path: `${ml}/${SP}/flask-3.0.2.dist-info/RECORD`, content: 'flask/__init__.py,,2500\nflask-3.0.2.dist-info/INSTALLER,,\nflask-3.0.2.dist-info/METADATA,,\nflask-3.0.2.dist-info/RECORD,,\n' },
  ];
  const img = await buildImage({ layers: [{ entries }] });
  // with the package detectors, as the CLI reads an image
  return (await inspectImage({ stream: chunks(await outerTar(dockerLegacyMembers([img]))), label: 'conda.tar' })).report;
}

describe('conda environments', () => {
  it('every conda-meta record is a package: name, version, build string, channel, its environment', async () => {
    const r = await condaImage();
    const conda = r.packages.filter((p) => p.ecosystem === 'conda');
    expect(conda.map((p) => [p.name, p.version, p.build, p.channel, p.location]).sort()).toEqual(
      [
        ['conda', '24.1.2', 'py311h38be061_0', 'conda-forge', '/opt/conda'],
        ['libcublas', '12.1.0.26', '0', 'nvidia', '/opt/conda/envs/ml'],
        ['numpy', '1.26.4', 'py311h64a7726_0', 'conda-forge', '/opt/conda/envs/ml'],
        ['python', '3.11.8', 'hab00c5b_0_cpython', 'conda-forge', '/opt/conda'],
        ['pytorch', '2.2.1', 'py3.11_cuda12.1_cudnn8.9.2_0', 'pytorch', '/opt/conda/envs/ml'],
        ['pytorch-cuda', '12.1', 'ha16c6d3_5', 'pytorch', '/opt/conda/envs/ml'],
      ].sort(),
    );
  });

  it("sums bytes from the tar headers, never from the record's size_in_bytes, from files or paths_data alike", async () => {
    const r = await condaImage();
    const bytes = Object.fromEntries(r.packages.map((p) => [`${p.ecosystem}:${p.name}`, [p.bytes, p.files]]));
    expect(bytes['conda:pytorch']).toEqual([71_000, 3]);
    expect(bytes['conda:python']).toEqual([6400, 2]);
    expect(bytes['conda:conda']).toEqual([700, 1]);
    expect(bytes['conda:libcublas']).toEqual([30_000, 1]);
    expect(bytes['conda:pytorch-cuda']).toEqual([0, 0]);
  });

  it('a conda package with its own .dist-info counts once, under conda; a pip install inside the env under pip', async () => {
    const r = await condaImage();
    const numpy = r.packages.filter((p) => p.name.toLowerCase() === 'numpy');
    expect(numpy.map((p) => p.ecosystem)).toEqual(['conda']);
    // 3000 + the INSTALLER, METADATA and RECORD as written in the fixture
    expect(numpy[0]!.files).toBe(4);
    const flask = r.packages.filter((p) => p.name.toLowerCase() === 'flask');
    expect(flask.map((p) => [p.ecosystem, p.files])).toEqual([['pip', 4]]);
    expect(r.packageOverlapFiles).toBe(0);
    // every byte of the image has its owner: the records themselves are the package manager's own
    expect(r.unowned.kinds?.map((k) => k.kind)).toEqual(['package-database']);
  });

  it("knows conda's CUDA packages and pytorch's CUDA build string", async () => {
    const r = await condaImage();
    expect(r.torch).toMatchObject({ version: '2.2.1 py3.11_cuda12.1_cudnn8.9.2_0', variant: 'cuda', cudaLibraries: 1, cudaBytes: 50_000 });
    const cuda = r.findings.find((f) => f.code === 'cuda-libraries')!;
    expect(cuda.title).toMatch(/2 conda CUDA packages, 1 CUDA libraries inside torch \(pytorch 2\.2\.1 py3\.11_cuda12\.1_cudnn8\.9\.2_0\)/);
    expect(cuda.bytes).toBe(30_000 + 50_000);
    expect(r.packageGroups.map((g) => [g.name, [...g.packages].sort(), g.bytes])).toEqual([['CUDA libraries (conda)', ['libcublas', 'pytorch-cuda'], 30_000]]);
  });
});

describe('rpm (a real rpmdb.sqlite, made by Debian’s rpm from packages rpmbuild built: test/fixtures/rpm)', () => {
  const FIX = path.join(__dirname, '../fixtures/rpm');
  const truth = JSON.parse(readFileSync(path.join(FIX, 'truth.json'), 'utf8')) as { name: string; version: string; files: { path: string; size: number }[] }[];
  const db = readFileSync(path.join(FIX, 'rpmdb.sqlite'));

  /** The files rpm installed (as the truth lists them) in a merged-/usr root, with the database. */
  async function rpmImage(dbPath: string, dbContent: Buffer = db, extra: Entry[] = []) {
    const entries: Entry[] = [{ path: 'bin', type: 'symlink', target: 'usr/bin' }];
    for (const p of truth) {
      for (const f of p.files) {
        const at = f.path.replace(/^\/bin\//, 'usr/bin/').slice(f.path.startsWith('/bin/') ? 0 : 1);
        if (f.path.endsWith('libssl.so.3')) entries.push({ path: at, type: 'symlink', target: 'libssl.so.3.0.7' });
        else entries.push({ path: at, size: f.size });
      }
    }
    entries.push({ path: dbPath, content: dbContent }, ...extra);
    const img = await buildImage({ layers: [{ entries }] });
    return (await inspectImage({ stream: chunks(await outerTar(dockerLegacyMembers([img]))), label: 'rpm.tar' })).report;
  }

  it('lists every package rpm lists, with the bytes and files of its file list (merged-/usr followed)', async () => {
    const r = await rpmImage('var/lib/rpm/rpmdb.sqlite');
    const ours = r.packages.filter((p) => p.ecosystem === 'rpm').map((p) => ({ name: p.name, version: p.version, bytes: p.bytes, files: p.files }));
    expect(ours.sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual(truth.map((p) => ({ name: p.name, version: p.version, bytes: p.files.reduce((a, f) => a + f.size, 0), files: p.files.length })));
    expect(r.warnings).toEqual([]);
  });

  it('reads it where Fedora keeps it now (/usr/lib/sysimage/rpm, /var/lib/rpm a symlink)', async () => {
    const r = await rpmImage('usr/lib/sysimage/rpm/rpmdb.sqlite', db, [{ path: 'var/lib/rpm', type: 'symlink', target: '../../usr/lib/sysimage/rpm' }]);
    expect(
      r.packages
        .filter((p) => p.ecosystem === 'rpm')
        .map((p) => p.name)
        .sort(),
    ).toEqual(truth.map((p) => p.name));
  });

  it('says so when the database is an older format or cannot be read — never an empty list in silence', async () => {
    const bdb = await rpmImage('var/lib/rpm/Packages', Buffer.alloc(4096, 0x61));
    expect(bdb.packages.filter((p) => p.ecosystem === 'rpm')).toEqual([]);
    expect(bdb.warnings).toEqual([{ code: 'package-database-not-read', message: expect.stringMatching(/^\/var\/lib\/rpm\/Packages: an rpm database in the BerkeleyDB or ndb format .* not read/) }]);
    const broken = await rpmImage('var/lib/rpm/rpmdb.sqlite', Buffer.concat([db.subarray(0, 4096), Buffer.alloc(8192, 0xff)]));
    expect(broken.warnings.map((w) => w.code)).toEqual(['package-database-not-read']);
  });

  it('reads only a Packages table of rpm’s shape: a view that never ends is not run (no hang)', async () => {
    const { createRequire } = await import('node:module');
    const init = createRequire(import.meta.url)('sql.js') as () => Promise<{ Database: new () => { run(sql: string): void; export(): Uint8Array } }>;
    const SQL = await init();
    const d = new SQL.Database();
    d.run('CREATE VIEW Packages AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS hnum, zeroblob(1000000) AS blob FROM c');
    const r = await rpmImage('var/lib/rpm/rpmdb.sqlite', Buffer.from(d.export()));
    expect(r.packages.filter((p) => p.ecosystem === 'rpm')).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['package-database-not-read']);
  });

  it('decodes header blobs defensively: truncated or lying ones are passed over, never thrown on', async () => {
    const { packageOfHeader } = await import('../../src/detectors/rpm.js');
    const header = (il: number, dl: number, rest: number[] = []) => {
      const b = Buffer.alloc(8 + rest.length * 4);
      b.writeUInt32BE(il, 0);
      b.writeUInt32BE(dl, 4);
      rest.forEach((v, i) => {
        b.writeUInt32BE(v, 8 + i * 4);
      });
      return b;
    };
    expect(packageOfHeader(new Uint8Array(3))).toBeUndefined();
    expect(packageOfHeader(header(0xffffffff, 0))).toBeUndefined();
    expect(packageOfHeader(header(1, 0xfffffff0))).toBeUndefined();
    // an entry that points past the data, and a name string without its NUL
    const past = Buffer.concat([header(1, 4, [1000, 6, 1_000_000, 1]), Buffer.from('abcd')]);
    expect(packageOfHeader(past)).toBeUndefined();
    const noNul = Buffer.concat([header(1, 4, [1000, 6, 0, 1]), Buffer.from('abcd')]);
    expect(packageOfHeader(noNul)).toBeUndefined();
  });
});
