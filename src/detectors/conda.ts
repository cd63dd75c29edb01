/**
 * conda: every environment's `conda-meta/<name>-<version>-<build>.json` (the environment is the
 * folder holding `conda-meta`: `opt/conda`, `opt/conda/envs/x`). Name, version, build string and
 * channel from it; its files from `files` (else `paths_data.paths[]._path`), relative to the
 * environment. Bytes come from the tar headers, as for every ecosystem, never from the metadata's
 * own `size_in_bytes`. A file that is not JSON, or not a conda record, is passed over.
 */
import type { DetectedPackage, Detector, MetaFiles } from './types.js';
import { normalizePath } from '../layer/paths.js';
import { parseBoundedJson } from '../config/json.js';

const META = /^(?:(.*)\/)?conda-meta\/([^/]+)\.json$/;

/** Raw bytes (latin1) of a UTF-8 string, as paths are kept. */
const raw = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The channel's name from its URL (`https://conda.anaconda.org/conda-forge/linux-64` → conda-forge). */
export function channelName(channel: string): string {
  const m = /^[a-z]+:\/\/[^/]+\/(?:t\/[^/]+\/)?([^/]+)/i.exec(channel);
  return m ? m[1]! : channel.replace(/\/(linux|osx|win|noarch)[-\w]*$/, '');
}

function listed(record: Record<string, unknown>): string[] {
  if (Array.isArray(record.files)) return record.files.filter((f): f is string => typeof f === 'string');
  const pd = record.paths_data as { paths?: unknown } | undefined;
  if (pd && Array.isArray(pd.paths)) return pd.paths.map((p) => (p as { _path?: unknown })?._path).filter((p): p is string => typeof p === 'string');
  return [];
}

/** A JSON object (nesting bounded, as every JSON imgsize reads), else undefined. */
function parse(text: string): Record<string, unknown> | undefined {
  try {
    const v = parseBoundedJson(text, 'conda-meta', (e) => e.message);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const conda: Detector = {
  ecosystem: 'conda',
  maxBytes: 32 << 20, // a conda-meta record lists every file with its sha256: pytorch's is ~5 MB
  wants: (p) => META.test(p),
  detect(files: MetaFiles): DetectedPackage[] {
    const out: DetectedPackage[] = [];
    for (const [path, data] of files) {
      const m = META.exec(path);
      if (!m) continue;
      const prefix = m[1] ?? '';
      const record = parse(data.toString('utf8'));
      const name = str(record?.name);
      if (!record || !name) continue;
      const channel = str(record.channel) ?? str(record.schannel);
      out.push({
        ecosystem: 'conda',
        name,
        version: str(record.version) ?? null,
        location: Buffer.from(prefix, 'latin1').toString('utf8'),
        paths: listed(record).map((f) => normalizePath(prefix === '' ? raw(f) : `${prefix}/${raw(f)}`)),
        ...(str(record.build) ? { build: str(record.build)! } : {}),
        ...(channel ? { channel: channelName(channel) } : {}),
      });
    }
    return out;
  },
};
