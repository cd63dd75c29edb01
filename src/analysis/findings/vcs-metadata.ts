import { displayPath } from '../../base/paths.js';
import { byBytes, type FindingDefinition } from './types.js';

const VCS_DIR = /(^|\/)\.(git|hg|svn)(\/|$)/;

/** .git (and .hg, .svn) folders that .dockerignore missed. */
export const vcsMetadata = {
  code: 'vcs-metadata',
  severity: 'warning',
  when: '`.git`, `.hg`, `.svn` folders',
  fix: 'add .git (and .hg, .svn) to .dockerignore',
  fixInShort: '`.dockerignore`',
  paths: VCS_DIR,
  thresholds: ['cacheMinBytes'],
  detect({ finals, th }) {
    if (finals.length === 0) return undefined;
    const bytes = finals.reduce((a, f) => a + f.bytes, 0);
    const roots = new Map<string, number>();
    for (const f of finals) {
      const r = /^(.*?(?:^|\/)\.(?:git|hg|svn))(?:\/|$)/.exec(f.path)?.[1] ?? f.path;
      roots.set(r, (roots.get(r) ?? 0) + f.bytes);
    }
    return {
      bytes,
      severity: bytes >= th.cacheMinBytes ? 'warning' : 'info',
      title: `version-control metadata in the image (${roots.size} folder(s))`,
      items: byBytes([...roots].map(([r, b]) => ({ path: `/${displayPath(r)}`, bytes: b }))),
    };
  },
} satisfies FindingDefinition;
