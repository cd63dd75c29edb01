/** Every fix of a report: the .dockerignore lines and the Dockerfile suggestions (pure; the context's files are given). */
import type { Report } from '../report/schema.js';
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

/** The image with every fix applied, about: content less what they remove; compressed less the same share (an estimate, no rebuild). */
export function afterFixes(all: Fixes, report: Pick<Report, 'totals'>): { contentBytes: number; compressedBytes: number } {
  const t = report.totals;
  const ratio = t.contentBytes > 0 ? Math.min(1, t.pushBytes / t.contentBytes) : 1;
  const fromDockerfile = all.dockerfile.reduce((a, f) => a + f.bytes, 0);
  return {
    contentBytes: Math.max(0, t.contentBytes - fromDockerfile - (all.dockerignore?.bytes ?? 0)),
    compressedBytes: Math.max(0, t.pushBytes - Math.round(fromDockerfile * ratio) - (all.dockerignore?.compressedBytes ?? 0)),
  };
}

export function fixesOf(report: Report, context: ContextFiles = {}): Fixes | undefined {
  const dockerignore = dockerignoreFix(report, context.dockerignore);
  const dockerfile = dockerfileFixes(report, context.dockerfile);
  return dockerignore || dockerfile.length > 0 ? { dockerignore, dockerfile } : undefined;
}
