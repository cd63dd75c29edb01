/**
 * npm: every `node_modules/<name>` (and `node_modules/@scope/<name>`) folder holding a
 * package.json is a package; its bytes are the folder's files minus its own nested node_modules
 * (those are packages of their own).
 */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { jsonValues } from './budget.js';

const PKG = /^(?:(.*)\/)?node_modules\/((?:@[^/]+\/)?[^/@][^/]*)\/package\.json$/;

export const npm: Detector = {
  ecosystem: 'npm',
  maxBytes: 1 << 20,
  wants: (p) => PKG.test(p),
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    const out: DetectedPackage[] = [];
    for (const [path, data] of files) {
      const m = PKG.exec(path);
      if (!m) continue;
      const folder = path.slice(0, -'/package.json'.length);
      let name = Buffer.from(m[2]!, 'latin1').toString('utf8');
      let version: string | null = null;
      const text = data.toString('utf8');
      // name and version only: a package.json of more values than the image's budget is not parsed (the folder names it)
      if (ctx.budget.takeValues(jsonValues(text)))
        try {
          const j: unknown = JSON.parse(text);
          if (typeof j === 'object' && j !== null) {
            const o = j as Record<string, unknown>;
            if (typeof o.name === 'string' && o.name) name = o.name;
            if (typeof o.version === 'string') version = o.version;
          }
        } catch {
          /* a broken package.json still marks a package folder */
        }
      const parent = m[1] === undefined ? 'node_modules' : `${m[1]}/node_modules`;
      out.push({
        ecosystem: 'npm',
        name,
        version,
        location: Buffer.from(parent, 'latin1').toString('utf8'),
        folder,
        excludeUnder: `${folder}/node_modules`,
      });
    }
    return out;
  },
};
