/**
 * Findings (DESIGN §5): the seed's by-hand analysis, automated. The registry below has one
 * definition per finding code (report/schema.ts lists the codes; the type makes the registry name
 * each exactly once); the README's table and the config's codes come from the same places.
 * Each finding carries the bytes at stake, every path or package concerned and a concrete fix.
 * Pure: plain data in, plain data out.
 */
import { joinPath } from '../../base/paths.js';
import type { Finding, FindingCode } from '../../report/schema.js';
import { walkNamed } from '../squash.js';
import { buildToolchain } from './build-toolchain.js';
import { cudaLibraries } from './cuda-libraries.js';
import { duplicatePackages } from './duplicate-packages.js';
import { modelFiles } from './model-files.js';
import { packageCache } from './package-cache.js';
import { secrets } from './secrets.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import type { FinalFile, FindingDefinition, FindingsInput } from './types.js';
import { vcsMetadata } from './vcs-metadata.js';
import { wastedBytes } from './wasted-bytes.js';

export type { FinalFile, FindingDefinition, FindingsInput, Thresholds } from './types.js';
export { DEFAULT_THRESHOLDS } from './thresholds.js';
export { isCondaCuda, isNvidiaWheel, torchBuild, torchCudaLibraries } from './torch.js';
export { isSecretPath } from './secrets.js';

/** Every finding, by code (adding one: a file here, its code in report/schema.ts, an entry below). */
export const FINDINGS: { readonly [C in FindingCode]: FindingDefinition & { readonly code: C } } = {
  'cuda-libraries': cudaLibraries,
  'model-files': modelFiles,
  'build-toolchain': buildToolchain,
  'package-cache': packageCache,
  'vcs-metadata': vcsMetadata,
  secrets: secrets,
  'wasted-bytes': wastedBytes,
  'duplicate-packages': duplicatePackages,
};

export const FINDING_DEFINITIONS: readonly FindingDefinition[] = Object.values(FINDINGS);

export function findings(input: FindingsInput): Finding[] {
  const th = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  // one walk of the final filesystem; only the paths some finding wants are kept
  const wanting = FINDING_DEFINITIONS.filter((d) => d.paths);
  const finals = new Map<FindingCode, FinalFile[]>(wanting.map((d) => [d.code, []]));
  const any = new RegExp(wanting.map((d) => d.paths!.source).join('|'), 'i');
  walkNamed(input.root, '', (e, dir, name) => {
    if (e.kind !== 'file' && e.kind !== 'symlink') return;
    const path = joinPath(dir, name);
    if (!any.test(path)) return;
    for (const d of wanting) if (d.paths!.test(path)) finals.get(d.code)!.push({ path, bytes: e.size, layer: e.layer });
  });
  const out: Finding[] = [];
  for (const d of FINDING_DEFINITIONS) {
    const found = d.detect({ input, th, finals: finals.get(d.code) ?? [] });
    if (found) out.push({ code: d.code, severity: found.severity ?? d.severity, bytes: found.bytes, title: found.title, fix: d.fix, items: found.items });
  }
  return out.sort((a, b) => b.bytes - a.bytes);
}
