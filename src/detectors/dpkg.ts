/**
 * dpkg: `var/lib/dpkg/info/<pkg>[:arch].list` lists every path a package installed (folders too,
 * skipped when tallying); versions from `var/lib/dpkg/status`. Distroless images have no .list
 * files but `var/lib/dpkg/status.d/<pkg>` stanzas, with `<pkg>.md5sums` listing the files.
 */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { eachLine, parseHeaders } from './text.js';
import { Listing, overCap, type ListBudget } from './budget.js';
import { normalizePath } from '../base/paths.js';

const LIST = /^var\/lib\/dpkg\/info\/([^/]+)\.list$/;
const STATUS_D = /^var\/lib\/dpkg\/status\.d\/([^/]+)$/;

const utf8 = (b: Buffer | string): string => (typeof b === 'string' ? Buffer.from(b, 'latin1') : b).toString('utf8');

function stanzas(text: string): Map<string, string>[] {
  return text
    .split(/\n\s*\n/)
    .map(parseHeaders)
    .filter((h) => h.has('Package'));
}

/** 8× the largest real file list measured (a 1 MB RECORD). */
const MAX_BYTES = 8 << 20;

/** The paths of a file list, one a line (`strip`: what precedes the path on a line), within the budget. */
function listed(data: Buffer, budget: ListBudget, strip?: RegExp): { paths: string[]; attribution?: string; limited?: true } {
  const list = new Listing(budget);
  eachLine(data.toString('latin1'), (l) => {
    const p = strip ? l.trim().replace(strip, '') : l.trim();
    return p === '' || list.add(p.length, () => normalizePath(p));
  });
  return list.result();
}

export const dpkg: Detector = {
  ecosystem: 'dpkg',
  maxBytes: MAX_BYTES,
  wants: (p) => p === 'var/lib/dpkg/status' || LIST.test(p) || STATUS_D.test(p),
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    const versions = new Map<string, string | null>();
    const status = files.get('var/lib/dpkg/status');
    if (status) for (const s of stanzas(utf8(status))) versions.set(s.get('Package')!, s.get('Version') ?? null);
    const out: DetectedPackage[] = [];
    const seen = new Set<string>();
    const lists: [string, Buffer | number][] = [...files, ...ctx.oversize];
    for (const [path, data] of lists) {
      const m = LIST.exec(path);
      if (!m) continue;
      const name = utf8(m[1]!).split(':')[0]!;
      seen.add(name);
      const own = typeof data === 'number' ? overCap(`${name}.list`, data, MAX_BYTES) : listed(data, ctx.budget);
      out.push({ ecosystem: 'dpkg', name, version: versions.get(name) ?? null, ...own });
    }
    // distroless: status.d/<pkg> stanzas, files from status.d/<pkg>.md5sums
    for (const [path, data] of files) {
      const m = STATUS_D.exec(path);
      if (!m || m[1]!.endsWith('.md5sums')) continue;
      for (const s of stanzas(utf8(data))) {
        const name = s.get('Package')!;
        if (seen.has(name)) continue;
        seen.add(name);
        const sums = files.get(`var/lib/dpkg/status.d/${m[1]}.md5sums`);
        const big = ctx.oversize.get(`var/lib/dpkg/status.d/${m[1]}.md5sums`);
        out.push({
          ecosystem: 'dpkg',
          name,
          version: s.get('Version') ?? null,
          ...(sums
            ? listed(sums, ctx.budget, /^[0-9a-f]{32}\s+/)
            : big !== undefined
              ? overCap(`${m[1]}.md5sums`, big, MAX_BYTES)
              : { paths: [], attribution: 'no file list in status.d: its files are not attributed to it' }),
        });
      }
    }
    return out;
  },
};
