/** The fleet report as Markdown (a job summary, a wiki page). Every string from an image or a registry escaped. */
import type { FleetReport } from '../report/schema.js';
import { escapeVerdict, mdText } from './escape.js';
import { describeRule } from './verdict.js';
import { human } from './units.js';

const short = (d: string): string => d.slice(0, 19);

export function renderFleetMarkdown(f: FleetReport): string {
  const t = f.totals;
  const saved = t.logicalBytes - t.storedBytes;
  const out = [
    `## imgsize fleet: ${t.images} image${t.images === 1 ? '' : 's'}, ${t.layers} unique layer${t.layers === 1 ? '' : 's'}`,
    '',
    `**${human(t.logicalBytes)}** if each image were stored apart; the registry stores **${human(t.storedBytes)}** (sharing saves ${human(saved)}).`,
    '',
    '### Images',
    '',
    '| image | platform | compressed | content | wasted | findings |',
    '|---|---|---:|---:|---:|---:|',
    ...f.images.map((i) => `| ${mdText(i.reference)} | ${mdText(i.platform)} | ${human(i.compressedBytes)} | ${human(i.contentBytes)} | ${human(i.wastedBytes)} | ${i.findings} |`),
  ];
  if (f.sharedLayers.length > 0) {
    out.push('', '### Layers shared most', '', '| layer | size | images | saves | step |', '|---|---:|---:|---:|---|');
    for (const l of f.sharedLayers)
      out.push(`| \`${short(l.digest)}\` | ${human(l.compressedBytes)} | ${l.images} | ${human(l.savedBytes)} | ${l.createdBy === null ? '' : mdText(l.createdBy.slice(0, 80))} |`);
  }
  if (f.packages.length > 0) {
    out.push('', '### Packages across the fleet', '', '| package | ecosystem | images | bytes in all | versions |', '|---|---|---:|---:|---|');
    for (const p of f.packages.slice(0, 20)) out.push(`| ${mdText(p.name)} | ${p.ecosystem} | ${p.images} | ${human(p.logicalBytes)} | ${mdText(p.versions.join(', '))} |`);
  }
  if (f.findings.length > 0) {
    out.push('', '### Findings across the fleet', '', '| finding | images | bytes at stake |', '|---|---:|---:|');
    for (const x of f.findings) out.push(`| ${x.code} | ${x.images} | ${human(x.bytes)} |`);
  }
  if (f.gates.length > 0) {
    const failing = f.gates.filter((g) => g.failed > 0).length;
    out.push(
      '',
      `### Rules by repository: ${failing === 0 ? `all ${f.gates.length} images judged pass` : `${failing} of ${f.gates.length} images fail`}`,
      '',
      '| image | rules | verdict | what broke |',
      '|---|---|---|---|',
    );
    for (const g of f.gates) {
      const v = escapeVerdict({ results: [...g.results], failed: g.failed, warned: g.warned }, mdText);
      const broke = v.results.filter((r) => r.status !== 'pass').map(describeRule);
      const verdict = g.failed > 0 ? '✖ fail' : g.warned > 0 ? '⚠ warn' : '✔ pass';
      out.push(`| ${mdText(g.reference)} | ${mdText(g.repositories)} | ${verdict} | ${broke.join('; ')} |`);
    }
  }
  return `${out.join('\n')}\n`;
}
