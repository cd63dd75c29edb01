/**
 * Documents as --json writes them: keys in the order of the contract (report/schema.ts), 2-space
 * indent as JSON.stringify(doc, null, 2) — except the nodes of a tree, one node per line (a tree of
 * 5,000 nodes stays 5,000 lines, not 50,000).
 */
import type { Report } from '../report/schema.js';

export function renderJson(report: Report): string {
  return toJson(report);
}

/** Any document (report, diff, manifest view) in the --json layout. */
export function toJson(doc: unknown): string {
  return `${print(doc, '', undefined, undefined) ?? 'null'}\n`;
}

function print(v: unknown, indent: string, key: string | undefined, parentKey: string | undefined): string | undefined {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const oneLine = key === 'nodes' && parentKey === 'tree';
    const items = v.map((x) => (oneLine ? JSON.stringify(x) : print(x, inner, undefined, key)) ?? 'null');
    return `[\n${inner}${items.join(`,\n${inner}`)}\n${indent}]`;
  }
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    const s = print(x, inner, k, key);
    if (s !== undefined) parts.push(`${inner}${JSON.stringify(k)}: ${s}`);
  }
  return parts.length > 0 ? `{\n${parts.join(',\n')}\n${indent}}` : '{}';
}
