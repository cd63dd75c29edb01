/** Every fix of a report: the .dockerignore lines and the Dockerfile suggestions (pure; the context's files are given). */
import type { Fix, Report } from '../report/schema.js';
import { dockerfileFixes, type DockerfileFix } from './dockerfile.js';
import { dockerignoreFix, type DockerignoreFix } from './dockerignore-fix.js';

export interface Fixes {
  readonly dockerignore?: DockerignoreFix | undefined;
  readonly dockerfile: readonly DockerfileFix[];
}

/** The build context's files, when given (`--context`): their text, or undefined where there is none. */
export interface ContextFiles {
  readonly dockerignore?: string | undefined;
  readonly dockerfile?: string | undefined;
}

/** The image with every fix applied, about: its totals less what each fix removes (an estimate, no rebuild). */
export function afterFixes(all: Fixes, report: Pick<Report, 'totals'>): { contentBytes: number; compressedBytes: number } {
  return afterContractFixes(fixesContract(all, report), report);
}

/** The same from the fixes as the report carries them (the HTML page's figure). */
export function afterContractFixes(fixes: readonly Pick<Fix, 'bytes' | 'compressedBytes'>[], report: Pick<Report, 'totals'>): { contentBytes: number; compressedBytes: number } {
  const t = report.totals;
  return {
    contentBytes: Math.max(0, t.contentBytes - fixes.reduce((a, f) => a + f.bytes, 0)),
    compressedBytes: Math.max(0, t.pushBytes - fixes.reduce((a, f) => a + f.compressedBytes, 0)),
  };
}

export function fixesOf(report: Report, context: ContextFiles = {}): Fixes | undefined {
  const dockerignore = dockerignoreFix(report, context.dockerignore);
  const dockerfile = dockerfileFixes(report, context.dockerfile);
  return dockerignore || dockerfile.length > 0 ? { dockerignore, dockerfile } : undefined;
}

/** The fixes as the report's contract carries them (`fixes[]`, report/schema.ts). */
export function fixesContract(all: Fixes, report: Pick<Report, 'totals'>): Fix[] {
  const t = report.totals;
  const ratio = t.contentBytes > 0 ? Math.min(1, t.pushBytes / t.contentBytes) : 1;
  const out: Fix[] = all.dockerfile.map((f) => ({
    file: 'Dockerfile',
    findings: [f.finding],
    line: f.at.lineNo ?? null,
    at: f.at.text,
    lines: [...f.suggestion],
    why: f.why,
    bytes: f.bytes,
    compressedBytes: Math.round(f.bytes * ratio),
    notes: [],
  }));
  const d = all.dockerignore;
  if (d) {
    out.push({
      file: '.dockerignore',
      findings: [...d.findings],
      line: null,
      at: null,
      lines: [...d.lines],
      why: `leaves ${d.files} file(s) of the build context out, wherever they are in it (Docker's anchoring: **/ matches in every folder)`,
      bytes: d.bytes,
      compressedBytes: d.compressedBytes,
      notes: [...d.misleading.map((m) => `line ${m.lineNo} "${m.line}" ${m.because}`), ...d.stillShipped.map((p) => `still sent: ${p}`)],
    });
  }
  return out;
}
