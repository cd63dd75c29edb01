/** apk: `lib/apk/db/installed` blocks: P: name, V: version, F: folder, R: file in that folder. */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { normalizePath } from '../base/paths.js';
import { Listing } from './budget.js';
import { eachLine } from './text.js';

const DB = 'lib/apk/db/installed';

export const apk: Detector = {
  ecosystem: 'apk',
  maxBytes: 8 << 20, // 8× the largest real file measured (a 1 MB RECORD)
  wants: (p) => p === DB,
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    const db = files.get(DB);
    if (!db) return [];
    const out: DetectedPackage[] = [];
    for (const block of db.toString('latin1').split(/\n\s*\n/)) {
      let name: string | undefined;
      let version: string | null = null;
      let dir = '';
      const list = new Listing(ctx.budget);
      eachLine(block, (raw) => {
        const line = raw.replace(/\r$/, '');
        if (line.startsWith('P:')) name = line.slice(2);
        else if (line.startsWith('V:')) version = line.slice(2);
        else if (line.startsWith('F:')) dir = line.slice(2);
        else if (line.startsWith('R:')) list.add(dir.length + line.length - 1, () => normalizePath(dir === '' ? line.slice(2) : `${dir}/${line.slice(2)}`));
        return true;
      });
      if (name) {
        const utf8 = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');
        out.push({ ecosystem: 'apk', name: utf8(name), version: version === null ? null : utf8(version), ...list.result() });
      }
    }
    return out;
  },
};
