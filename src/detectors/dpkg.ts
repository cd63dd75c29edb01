/**
 * dpkg: `var/lib/dpkg/info/<pkg>[:arch].list` lists every path a package installed (folders too,
 * skipped when tallying); versions from `var/lib/dpkg/status`. Distroless images have no .list
 * files but `var/lib/dpkg/status.d/<pkg>` stanzas, with `<pkg>.md5sums` listing the files.
 */
import type { DetectedPackage, Detector, MetaFiles } from './types.js';
import { parseHeaders } from './text.js';
import { normalizePath } from '../layer/paths.js';

const LIST = /^var\/lib\/dpkg\/info\/([^/]+)\.list$/;
const STATUS_D = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/;

const utf8 = (b: Buffer | string): string => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b).toString('utf8');

function stanzas(text: string): Map<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map(parseHeaders)
    .filter((h) => h.has('Package'));
}

export const dpkg: Detector = {
  ecosystem: 'dpkg',
  maxBytes: 8 << 20, // 8× the largest real file measured (a 1 MB RECORD)
  wants: (p) => p === 'var/lib/dpkg/status' || LIST.test(p) || STATUS_D.test(p),
  detect(files: MetaFiles): DetectedPackage[] {
    const versions = new Map<string, string | null>();
    const status = files.get('var/lib/dpkg/status');
    if (status) for (const s of stanzas(utf8(status))) versions.set(s.get('Package')!, s.get('Version') ?? null);
    const out: DetectedPackage[] = [];
    const listed = new Set<string>();
    for (const [path, data] of files) {
      const m = LIST.exec(path);
      if (!m) continue;
      const name = utf8(m[1]!).split(':')[0]!;
      listed.add(name);
      const paths = data
        .toString('latin1')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .map(normalizePath);
      out.push({ ecosystem: 'dpkg', name, version: versions.get(name) ?? null, paths });
    }
    // distroless: status.d/<pkg> stanzas, files from status.d/<pkg>.md5sums
    for (const [path, data] of files) {
      const m = STATUS_D.exec(path);
      if (!m || m[1]!.endsWith('.md5sums')) continue;
      for (const s of stanzas(utf8(data))) {
        const name = s.get('Package')!;
        if (listed.has(name)) continue;
        listed.add(name);
        const sums = files.get(`var/lib/dpkg/status.d/${m[1]}.md5sums`);
        const paths = sums
          ? sums
              .toString('latin1')
              .split('\n')
              .map((l) => l.trim().replace(/^[0-9a-f]{32}\s+/, ''))
              .filter(Boolean)
              .map(normalizePath)
          : [];
        out.push({
          ecosystem: 'dpkg',
          name,
          version: s.get('Version') ?? null,
          paths,
          ...(sums ? {} : { attribution: 'no file list in status.d: its files are not attributed to it' }),
        });
      }
    }
    return out;
  },
};
