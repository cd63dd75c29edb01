/**
 * pip: `*.dist-info/RECORD` (paths relative to the folder holding the .dist-info; they may climb
 * with ../), else `*.egg-info/installed-files.txt` (relative to the .egg-info). Name and version
 * from METADATA / PKG-INFO. Distributions with no file list (Debian's dist-packages) are listed by
 * name and version with 0 bytes and say so: their files belong to the dpkg package that ships them.
 * A .dist-info whose INSTALLER is conda is conda's (detectors/conda.ts): not listed twice.
 */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { eachCsvFirstField, eachLine, joinListed, parseHeaders } from './text.js';
import { Listing, overCap } from './budget.js';
import { normalizePath } from '../base/paths.js';

const DIST_INFO = /^(.*?(?:site|dist)-packages)\/([^/]+)\.dist-info\/(RECORD|METADATA|INSTALLER)$/;
const EGG_INFO = /^(.*?(?:site|dist)-packages)\/([^/]+)\.egg-info\/(installed-files\.txt|PKG-INFO)$/;
const EGG_FILE = /^(.*?(?:site|dist)-packages)\/([^/]+)\.egg-info$/;

/** 8× the largest real file list measured (a 1 MB RECORD). */
const MAX_BYTES = 8 << 20;
const wants = (p: string): boolean => DIST_INFO.test(p) || EGG_INFO.test(p) || EGG_FILE.test(p);

const text = (b: Buffer | undefined): string => (b ? b.toString('latin1') : '');
const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

/** Each non-empty line of a file list, trimmed. */
function trimmedLines(text: string, fn: (line: string) => boolean): void {
  eachLine(text, (l) => {
    const t = l.trim();
    return t === '' || fn(t);
  });
}

export const pip: Detector = {
  ecosystem: 'pip',
  maxBytes: MAX_BYTES,
  wants,
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    const out: DetectedPackage[] = [];
    const seen = new Set<string>();
    /** A listed path joined to its base folder, built only if it can name a file (budget.ts). */
    const listing = (base: string, text: string, each: (text: string, fn: (row: string) => boolean) => void) => {
      const list = new Listing(ctx.budget);
      each(text, (row) => list.add(row.startsWith('/') ? row.length : base.length + 1 + row.length, () => normalizePath(joinListed(base, row))));
      return list.result();
    };
    const paths = [...files.keys(), ...ctx.oversize.keys()].filter(wants);
    for (const path of paths) {
      let m = DIST_INFO.exec(path);
      if (m) {
        const [, sp, dir] = m as unknown as [string, string, string];
        const key = `${sp}/${dir}.dist-info`;
        if (seen.has(key)) continue;
        seen.add(key);
        // installed by conda: its conda-meta record lists these files, the package counts there once
        if (text(files.get(`${key}/INSTALLER`)).trim() === 'conda') continue;
        const info = parseHeaders(utf8(text(files.get(`${key}/METADATA`))));
        const record = files.get(`${key}/RECORD`);
        const big = ctx.oversize.get(`${key}/RECORD`);
        const name = info.get('Name') ?? utf8(dir.replace(/-[^-]*$/, ''));
        const version = info.get('Version') ?? (dir.includes('-') ? utf8(dir.slice(dir.lastIndexOf('-') + 1)) : null);
        out.push({
          ecosystem: 'pip',
          name,
          version,
          location: utf8(sp),
          ...(record
            ? listing(sp, text(record), eachCsvFirstField)
            : big !== undefined
              ? overCap('RECORD', big, MAX_BYTES)
              : { paths: [], attribution: 'no RECORD: its files are not attributed to it' }),
        });
        continue;
      }
      m = EGG_INFO.exec(path) ?? EGG_FILE.exec(path);
      if (m) {
        const [, sp, dir] = m as unknown as [string, string, string];
        const egg = `${sp}/${dir}.egg-info`;
        if (seen.has(egg)) continue;
        seen.add(egg);
        const info = parseHeaders(utf8(text(files.get(`${egg}/PKG-INFO`) ?? files.get(egg))));
        const list = files.get(`${egg}/installed-files.txt`);
        const big = ctx.oversize.get(`${egg}/installed-files.txt`);
        out.push({
          ecosystem: 'pip',
          name: info.get('Name') ?? utf8(dir.replace(/-py\d.*$/, '').replace(/-[^-]*$/, '')),
          version: info.get('Version') ?? null,
          location: utf8(sp),
          ...(list
            ? listing(egg, text(list), trimmedLines)
            : big !== undefined
              ? overCap('installed-files.txt', big, MAX_BYTES)
              : {
                  paths: [],
                  attribution: sp.includes('dist-packages')
                    ? 'no file list (a Debian package): its bytes count under the dpkg package that ships it'
                    : 'no installed-files.txt: its files are not attributed to it',
                }),
        });
      }
    }
    return out;
  },
};
