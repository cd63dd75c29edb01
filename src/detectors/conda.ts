/**
 * conda: every environment's `conda-meta/<name>-<version>-<build>.json` (the environment is the
 * folder holding `conda-meta`: `opt/conda`, `opt/conda/envs/x`). Name, version, build string and
 * channel from it; its files from `files` (else `paths_data.paths[]._path`), relative to the
 * environment. Bytes come from the tar headers, as for every ecosystem, never from the metadata's
 * own `size_in_bytes`. A file that is not JSON, or not a conda record, is passed over.
 */
import { looseContext, type DetectContext, type DetectedPackage, type Detector, type MetaFiles } from './types.js';
import { normalizePath } from '../base/paths.js';
import { parseBoundedJson } from '../base/json.js';
import { jsonValues, Listing, overCap, type ListBudget } from './budget.js';

const META = /^(?:(.*)\/)?conda-meta\/([^/]+)\.json$/;

/** Raw bytes (latin1) of a UTF-8 string, as paths are kept. */
const raw = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The channel's name from its URL (`https://conda.anaconda.org/conda-forge/linux-64` → conda-forge). */
export function channelName(channel: string): string {
  const m = /^[a-z]+:\/\/[^/]+\/(?:t\/[^/]+\/)?([^/]+)/i.exec(channel);
  return m ? m[1]! : channel.replace(/\/(linux|osx|win|noarch)[-\w]*$/, '');
}

/** The record's files, relative to the environment (`prefix`), within the budget. */
function listed(record: Record<string, unknown>, prefix: string, budget: ListBudget): { paths: string[]; attribution?: string; limited?: true } {
  const pd = record.paths_data as { paths?: unknown } | undefined;
  const names: unknown[] = Array.isArray(record.files) ? record.files : pd && Array.isArray(pd.paths) ? pd.paths.map((p) => (p as { _path?: unknown } | null)?._path) : [];
  const list = new Listing(budget);
  for (const f of names) {
    if (typeof f !== 'string') continue;
    const path = raw(f);
    if (!list.add(prefix.length + 1 + path.length, () => normalizePath(prefix === '' ? path : `${prefix}/${path}`))) break;
  }
  return list.result();
}

/** name-version-build.json → name and version (a record over its cap is named by its file alone). */
function fromFileName(file: string): { name: string; version: string | null } {
  const parts = Buffer.from(file, 'latin1').toString('utf8').split('-');
  return parts.length >= 3 ? { name: parts.slice(0, -2).join('-'), version: parts[parts.length - 2]! } : { name: parts.join('-'), version: null };
}

/** 32 MiB: a conda-meta record lists every file with its sha256 (pytorch's is ~5 MB). */
const MAX_BYTES = 32 << 20;

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
  maxBytes: MAX_BYTES,
  wants: (p) => META.test(p),
  detect(files: MetaFiles, ctx: DetectContext = looseContext()): DetectedPackage[] {
    const out: DetectedPackage[] = [];
    const records: [string, Buffer | number][] = [...files, ...ctx.oversize];
    for (const [path, data] of records) {
      const m = META.exec(path);
      if (!m) continue;
      const prefix = m[1] ?? '';
      const location = Buffer.from(prefix, 'latin1').toString('utf8');
      const text = typeof data === 'number' ? undefined : data.toString('utf8');
      // over its cap, or more values than the image's budget lets JSON.parse build: named by its file
      if (text === undefined || !ctx.budget.takeValues(jsonValues(text))) {
        const why =
          text === undefined
            ? overCap(`conda-meta/${m[2]}.json`, data as number, MAX_BYTES)
            : { paths: [], attribution: `its conda-meta record holds more values than the image's budget for parsed metadata (Safety limits): not read`, limited: true as const };
        out.push({ ecosystem: 'conda', ...fromFileName(m[2]!), location, ...why });
        continue;
      }
      const record = parse(text);
      const name = str(record?.name);
      if (!record || !name) continue;
      const channel = str(record.channel) ?? str(record.schannel);
      out.push({
        ecosystem: 'conda',
        name,
        version: str(record.version) ?? null,
        location,
        ...listed(record, prefix, ctx.budget),
        ...(str(record.build) ? { build: str(record.build)! } : {}),
        ...(channel ? { channel: channelName(channel) } : {}),
      });
    }
    return out;
  },
};
