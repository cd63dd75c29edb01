/** The README's findings table, made from the findings registry (npm run generate writes it). */
import type { FindingDefinition } from '../analysis/findings/index.js';

export const FINDINGS_TABLE_START = '<!-- findings table: generated from src/analysis/findings by npm run generate -->';
export const FINDINGS_TABLE_END = '<!-- end of findings table -->';

export function renderFindingsTable(defs: readonly FindingDefinition[]): string {
  const rows = defs.map((d) => `| \`${d.code}\` | ${d.severity} | ${d.when} | ${d.fixInShort} |`);
  return [FINDINGS_TABLE_START, '| finding | severity | when | fix suggested |', '|---|---|---|---|', ...rows, FINDINGS_TABLE_END].join('\n');
}

/** `readme` with its findings table (between the markers) replaced by `table`. */
export function withFindingsTable(readme: string, table: string): string {
  const a = readme.indexOf(FINDINGS_TABLE_START);
  const b = readme.indexOf(FINDINGS_TABLE_END);
  if (a < 0 || b < a) throw new Error('README.md has no findings table markers');
  return readme.slice(0, a) + table + readme.slice(b + FINDINGS_TABLE_END.length);
}
