/**
 * pip: `*.dist-info/RECORD` (paths relative to the folder holding the .dist-info; they may climb
 * with ../), else `*.egg-info/installed-files.txt` (relative to the .egg-info). Name and version
 * from METADATA / PKG-INFO. Distributions with no file list (Debian's dist-packages) are listed by
 * name and version with 0 bytes and say so: their files belong to the dpkg package that ships them.
 * A .dist-info whose INSTALLER is conda is conda's (detectors/conda.ts): not listed twice.
 */
import type { DetectedPackage, Detector, MetaFiles } from './types.js';
import { csvFirstFields, joinListed, parseHeaders } from './text.js';
import { normalizePath } from '../layer/paths.js';

const DIST_INFO = /^(.*?(?:site|dist)-packages)\/([^/]+)\.dist-info\/(RECORD|METADATA|INSTALLER)$/;
const EGG_INFO = /^(.*?(?:site|dist)-packages)\/([^/]+)\.egg-info\/(installed-files\.txt|PKG-INFO)$/;
const EGG_FILE = /^(.*?(?:site|dist)-packages)\/([^/]+)\.egg-info$/;

const text = (b: Buffer | undefined): string => (b ? b.toString('latin1') : '');
const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

export const pip: Detector = {
  ecosystem: 'pip',
  maxBytes: 8 << 20, // 8× the largest real file measured (a 1 MB RECORD)
  wants: (p) => DIST_INFO.test(p) || EGG_INFO.test(p) || EGG_FILE.test(p),
  detect(files: MetaFiles): DetectedPackage[] {
    const out: DetectedPackage[] = [];
    const seen = new Set<string>();
    for (const path of files.keys()) {
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
        const name = info.get('Name') ?? utf8(dir.replace(/-[^-]*$/, ''));
        const version = info.get('Version') ?? (dir.includes('-') ? utf8(dir.slice(dir.lastIndexOf('-') + 1)) : null);
        out.push({
          ecosystem: 'pip',
          name,
          version,
          location: utf8(sp),
          ...(record ? { paths: csvFirstFields(text(record)).map((r) => normalizePath(joinListed(sp, r))) } : { paths: [], attribution: 'no RECORD: its files are not attributed to it' }),
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
        const lines = list
          ? text(list)
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean)
          : [];
        out.push({
          ecosystem: 'pip',
          name: info.get('Name') ?? utf8(dir.replace(/-py\d.*$/, '').replace(/-[^-]*$/, '')),
          version: info.get('Version') ?? null,
          location: utf8(sp),
          paths: lines.map((l) => normalizePath(joinListed(egg, l))),
          ...(list
            ? {}
            : {
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
