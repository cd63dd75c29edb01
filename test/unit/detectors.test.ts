/** Each detector on literal metadata, then attribution over a small final filesystem. */
import { describe, expect, it } from 'vitest';
import { pip } from '../../src/detectors/pip.js';
import { dpkg } from '../../src/detectors/dpkg.js';
import { apk } from '../../src/detectors/apk.js';
import { npm } from '../../src/detectors/npm.js';
import { csvFirstFields } from '../../src/detectors/text.js';
import { squash } from '../../src/analysis/squash.js';
import { attributePackages } from '../../src/analysis/packages.js';
import type { LayerEntry } from '../../src/layer/types.js';

const files = (o: Record<string, string>): Map<string, Buffer> => new Map(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));
const f = (path: string, size: number): LayerEntry => ({ path, kind: 'file', size });
const link = (path: string, target: string): LayerEntry => ({ path, kind: 'symlink', size: target.length, target });
const fsOf = (...entries: LayerEntry[]) => squash([{ files: entries, opaqueDirs: [], deletions: [] }]).root;

const SP = 'usr/local/lib/python3.11/site-packages';

describe('pip', () => {
  it('reads name and version from METADATA and resolves RECORD paths, climbing with ../', () => {
    const [p] = pip.detect(
      files({
        [`${SP}/Flask-3.1.3.dist-info/METADATA`]: 'Metadata-Version: 2.1\nName: Flask\nVersion: 3.1.3\n\nBody: x\n',
        [`${SP}/Flask-3.1.3.dist-info/RECORD`]: 'flask/__init__.py,sha256=abc,2000\n"flask/a,b.py",,\n../../../bin/flask,sha256=x,200\nFlask-3.1.3.dist-info/RECORD,,\n',
      }),
    );
    expect(p).toMatchObject({ ecosystem: 'pip', name: 'Flask', version: '3.1.3', location: SP });
    expect(p!.paths).toEqual([`${SP}/flask/__init__.py`, `${SP}/flask/a,b.py`, 'usr/local/bin/flask', `${SP}/Flask-3.1.3.dist-info/RECORD`]);
  });

  it('falls back to the folder name when METADATA is missing', () => {
    const [p] = pip.detect(files({ [`${SP}/six-1.16.0.dist-info/RECORD`]: 'six.py,,\n' }));
    expect([p!.name, p!.version]).toEqual(['six', '1.16.0']);
  });

  it('reads egg installs relative to the .egg-info folder', () => {
    const [p] = pip.detect(
      files({
        [`${SP}/foo-1.0-py3.11.egg-info/PKG-INFO`]: 'Name: foo\nVersion: 1.0\n',
        [`${SP}/foo-1.0-py3.11.egg-info/installed-files.txt`]: '../foo/__init__.py\nPKG-INFO\n',
      }),
    );
    expect(p!.paths).toEqual([`${SP}/foo/__init__.py`, `${SP}/foo-1.0-py3.11.egg-info/PKG-INFO`]);
  });

  it('lists a Debian dist-packages distribution without a file list and says how it is attributed', () => {
    const [p] = pip.detect(files({ 'usr/lib/python3/dist-packages/torch-1.13.0a0+gitunknown.egg-info/PKG-INFO': 'Name: torch\nVersion: 1.13.0a0+gitunknown\n' }));
    expect(p).toMatchObject({ name: 'torch', version: '1.13.0a0+gitunknown', paths: [] });
    expect(p!.attribution).toMatch(/dpkg package/);
  });

  it('parses quoted CSV fields', () => {
    expect(csvFirstFields('a,b\n"x ""y"", z",1\n\nlast')).toEqual(['a', 'x "y", z', 'last']);
  });
});

describe('dpkg', () => {
  it('reads .list files (arch-qualified too) with versions from status', () => {
    const ps = dpkg.detect(
      files({
        'var/lib/dpkg/status': 'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n\nPackage: libc6\nVersion: 2.36-9\n',
        'var/lib/dpkg/info/bash.list': '/.\n/bin\n/bin/bash\n',
        'var/lib/dpkg/info/libc6:amd64.list': '/lib/x86_64-linux-gnu/libc.so.6\n',
      }),
    );
    expect(ps.map((p) => [p.name, p.version, p.paths])).toEqual([
      ['bash', '5.2.15-2+b2', ['', 'bin', 'bin/bash']],
      ['libc6', '2.36-9', ['lib/x86_64-linux-gnu/libc.so.6']],
    ]);
  });

  it('reads distroless status.d stanzas with their md5sums', () => {
    const [p] = dpkg.detect(
      files({
        'var/lib/dpkg/status.d/tzdata': 'Package: tzdata\nVersion: 2024a-0+deb12u1\n',
        'var/lib/dpkg/status.d/tzdata.md5sums': '0123456789abcdef0123456789abcdef  usr/share/zoneinfo/UTC\n',
      }),
    );
    expect([p!.name, p!.version, p!.paths]).toEqual(['tzdata', '2024a-0+deb12u1', ['usr/share/zoneinfo/UTC']]);
  });
});

describe('apk', () => {
  it('reads P/V/F/R blocks', () => {
    const ps = apk.detect(
      files({ 'lib/apk/db/installed': 'C:Q1x\nP:musl\nV:1.2.4-r2\nF:lib\nR:ld-musl-x86_64.so.1\nR:libc.musl-x86_64.so.1\n\nP:busybox\nV:1.36.1-r5\nF:bin\nR:busybox\nF:etc\nR:securetty\n' }),
    );
    expect(ps.map((p) => [p.name, p.version, p.paths])).toEqual([
      ['musl', '1.2.4-r2', ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1']],
      ['busybox', '1.36.1-r5', ['bin/busybox', 'etc/securetty']],
    ]);
  });
});

describe('npm', () => {
  it('finds packages and scoped packages, nested ones separately', () => {
    const ps = npm.detect(
      files({
        'app/node_modules/express/package.json': '{"name":"express","version":"4.19.2"}',
        'app/node_modules/@types/node/package.json': '{"name":"@types/node","version":"20.1.0"}',
        'app/node_modules/express/node_modules/qs/package.json': '{"name":"qs","version":"6.11.0"}',
      }),
    );
    expect(ps.map((p) => [p.name, p.version, p.folder, p.location])).toEqual([
      ['express', '4.19.2', 'app/node_modules/express', 'app/node_modules'],
      ['@types/node', '20.1.0', 'app/node_modules/@types/node', 'app/node_modules'],
      ['qs', '6.11.0', 'app/node_modules/express/node_modules/qs', 'app/node_modules/express/node_modules'],
    ]);
  });
});

describe('attribution', () => {
  it('counts listed files present in the final filesystem, through a merged-/usr symlink, once', () => {
    const root = fsOf(link('bin', 'usr/bin'), f('usr/bin/bash', 1000), f('usr/bin/other', 5));
    const own = attributePackages([{ ecosystem: 'dpkg', name: 'bash', version: '5', paths: ['bin', 'bin/bash', 'usr/bin/bash', 'gone'] }], root);
    // bin/bash and usr/bin/bash are one file; the listed `bin` symlink counts too (7 bytes)
    expect(own.packages[0]).toMatchObject({ bytes: 1007, files: 2, layers: [1] });
    expect(own.unowned.bytes).toBe(5);
  });

  it('gives npm packages their folder minus nested node_modules', () => {
    const root = fsOf(
      f('a/node_modules/x/index.js', 100),
      f('a/node_modules/x/node_modules/y/index.js', 10),
      f('a/node_modules/x/node_modules/y/package.json', 2),
      f('a/node_modules/x/package.json', 3),
    );
    const own = attributePackages(
      [
        { ecosystem: 'npm', name: 'x', version: '1', folder: 'a/node_modules/x', excludeUnder: 'a/node_modules/x/node_modules' },
        { ecosystem: 'npm', name: 'y', version: '1', folder: 'a/node_modules/x/node_modules/y', excludeUnder: 'a/node_modules/x/node_modules/y/node_modules' },
      ],
      root,
    );
    expect(own.packages.map((p) => [p.name, p.bytes, p.files])).toEqual([
      ['x', 103, 2],
      ['y', 12, 2],
    ]);
    expect(own.unowned.bytes).toBe(0);
  });

  it('sums package bytes and unowned bytes to the final bytes when nothing is claimed twice', () => {
    const root = fsOf(f('a', 10), f('b', 20), f('c', 40));
    const own = attributePackages([{ ecosystem: 'apk', name: 'p', version: null, paths: ['a', 'b'] }], root);
    expect(own.packages[0]!.bytes + own.unowned.bytes).toBe(70);
    expect(own.claimedTwice).toBe(0);
  });
});
