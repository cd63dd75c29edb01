import { displayPath } from '../../base/paths.js';
import { WASTE_MIN_BYTES, WASTE_MIN_SHARE } from './thresholds.js';
import type { FindingDefinition } from './types.js';

/** Bytes shipped in one layer and deleted or overwritten by a later one. */
export const wastedBytes = {
  code: 'wasted-bytes',
  severity: 'warning',
  when: `from ${WASTE_MIN_BYTES / 1e6} MB, or from ${WASTE_MIN_BYTES / 1e7} MB and ${WASTE_MIN_SHARE * 100}% of the content`,
  fix: 'create and delete in the same RUN, or build in a separate stage and COPY only what the final image needs',
  fixInShort: 'same RUN, or multi-stage',
  thresholds: ['wasteMinBytes', 'wasteMinShare'],
  detect({ input, th }) {
    const { wastedBytes: bytes, contentBytes } = input;
    const fires = bytes >= th.wasteMinBytes || (contentBytes > 0 && bytes >= th.wasteMinBytes / 10 && bytes / contentBytes >= th.wasteMinShare);
    if (!fires) return undefined;
    return {
      bytes,
      title: `bytes shipped in one layer and deleted or overwritten by a later one (${((100 * bytes) / Math.max(1, contentBytes)).toFixed(1)}% of the content)`,
      items: input.wasted.map((w) => ({ path: `/${displayPath(w.path)}`, bytes: w.bytes, layer: w.layer + 1, removedBy: w.by + 1 })),
    };
  },
} satisfies FindingDefinition;
