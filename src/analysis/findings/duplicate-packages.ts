import type { ReportPackage } from '../../report/schema.js';
import { byBytes, pkgItem, type FindingDefinition } from './types.js';

/** One pip distribution installed twice (a venv and the system Python, two site-packages). */
export const duplicatePackages = {
  code: 'duplicate-packages',
  severity: 'warning',
  when: 'one pip distribution installed twice (pip/setuptools/wheel excepted: every venv has them)',
  fix: 'install into one environment (one venv or one site-packages), pin one version',
  fixInShort: 'one environment',
  detect({ input }) {
    const byName = new Map<string, ReportPackage[]>();
    for (const p of input.packages) {
      // pip, setuptools and wheel live in every venv and in the system Python: not a duplicate
      if (p.ecosystem !== 'pip' || /^(pip|setuptools|wheel)$/i.test(p.name)) continue;
      const k = p.name.toLowerCase().replace(/[-_.]+/g, '-');
      byName.set(k, [...(byName.get(k) ?? []), p]);
    }
    const dups = [...byName.values()].filter((ps) => ps.length > 1);
    if (dups.length === 0) return undefined;
    // what the fix saves: every copy but the largest
    const extra = dups.reduce(
      (a, ps) =>
        a +
        byBytes([...ps])
          .slice(1)
          .reduce((b, p) => b + p.bytes, 0),
      0,
    );
    return {
      bytes: extra,
      title: `${dups.length} Python distribution(s) installed more than once`,
      items: dups.flatMap((ps) => ps.map((p) => ({ ...pkgItem(p), path: p.location ?? '/' }))),
    };
  },
} satisfies FindingDefinition;
