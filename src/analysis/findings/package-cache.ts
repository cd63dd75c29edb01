import { CACHE_MIN_BYTES } from './thresholds.js';
import { byBytes, topFolders, type FindingDefinition } from './types.js';

const CACHE_PATH =
  /(^|\/)\.cache\/(pip|pypoetry|uv)\/|(^|\/)\.npm\/_cacache\/|(^|\/)\.cache\/yarn\/|^usr\/local\/share\/\.cache\/yarn\/|^var\/lib\/apt\/lists\/[^/]+$|^var\/cache\/apt\/(archives\/[^/]+\.deb|[^/]+\.bin)$|^var\/cache\/apk\/[^/]+$/;

/** Package manager caches and indexes that a RUN left behind. */
export const packageCache = {
  code: 'package-cache',
  severity: 'warning',
  when: `pip/npm/yarn caches, apt lists, \`.deb\` archives, apk cache, from ${CACHE_MIN_BYTES / 1e3} kB`,
  fix: 'pip install --no-cache-dir; npm ci && npm cache clean --force; apt-get install … && rm -rf /var/lib/apt/lists/* in the same RUN',
  fixInShort: '`--no-cache-dir`, clean in the same RUN',
  paths: CACHE_PATH,
  thresholds: ['cacheMinBytes'],
  detect({ finals, th }) {
    const caches = byBytes([...finals]);
    const bytes = caches.reduce((a, f) => a + f.bytes, 0);
    if (bytes < th.cacheMinBytes) return undefined;
    return { bytes, title: 'package manager caches in the image (pip/npm/yarn caches, apt lists, .deb archives)', items: topFolders(caches) };
  },
} satisfies FindingDefinition;
