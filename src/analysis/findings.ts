/**
 * Findings (DESIGN §5): the seed's by-hand analysis, automated. Each finding carries the bytes at
 * stake, the top paths and a concrete fix. Thresholds are constants, stated in the titles.
 * Pure: plain data in, plain data out.
 */
import type { LayerScan } from '../layer/scan.js';
import { basename, displayPath, joinPath } from '../layer/paths.js';
import { lookup, walkNamed, type FsNode } from './squash.js';
import type { Finding, FindingItem, ReportPackage as PackageUsage, TorchBuild } from '../report/schema.js';

export type { Finding, FindingItem, TorchBuild };

/** A model file smaller than this is a test fixture, not worth a finding. */
export const MODEL_FILE_MIN_BYTES = 1_000_000;
/** Caches and VCS folders smaller than this are noise. */
export const CACHE_MIN_BYTES = 100_000;
/** Waste is a finding from this many bytes, or from WASTE_MIN_SHARE of the content. */
export const WASTE_MIN_BYTES = 10_000_000;
export const WASTE_MIN_SHARE = 0.1;

export interface Thresholds {
  readonly modelFileMinBytes: number;
  readonly cacheMinBytes: number;
  readonly wasteMinBytes: number;
  readonly wasteMinShare: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  modelFileMinBytes: MODEL_FILE_MIN_BYTES,
  cacheMinBytes: CACHE_MIN_BYTES,
  wasteMinBytes: WASTE_MIN_BYTES,
  wasteMinShare: WASTE_MIN_SHARE,
};

export interface FindingsInput {
  readonly thresholds?: Partial<Thresholds>;
  /** torchCudaLibraries(root), when the caller already has it. */
  readonly torchCudaLibraries?: readonly FinalFile[];
  readonly root: FsNode;
  readonly layers: readonly Pick<LayerScan, 'files'>[];
  readonly packages: readonly PackageUsage[];
  readonly contentBytes: number;
  readonly wastedBytes: number;
  /** Wasted paths (layer indexes, 0-based, as squash() gives them). */
  readonly wasted: readonly { path: string; bytes: number; layer: number; by: number }[];
}

const MODEL_EXT = /\.(pt|pth|pkl|pickle|npy|npz|h5|hdf5|onnx|safetensors|ckpt|joblib|bin\.gz)$/i;
const PKG_DIR = /(^|\/)((site|dist)-packages|node_modules)\//;
/** A folder at or below some `torch/lib`. */
const TORCH_LIB_DIR = /(^|\/)torch\/lib(\/|$)/;
const CUDA_LIB = /(^|\/)lib(cudart|cublas|cublasLt|cudnn[^/]*|cufft|curand|cusolver|cusparse|cusparseLt|nccl|nvrtc|nvJitLink|nvToolsExt|cupti|cufile|caffe2_nvrtc|torch_cuda[^/]*|c10_cuda)[^/]*\.so/;
const TOOLCHAIN_PKG =
  /^(gcc(-\d+)?|g\+\+(-\d+)?|cpp(-\d+)?|build-essential|build-base|binutils|make|clang(-\d+)?|llvm(-\d+)?|musl-dev|libc6-dev|libc-dev|linux-libc-dev|libgcc-\d+-dev|libstdc\+\+-\d+-dev|gfortran(-\d+)?|binutils(-[\w-]+)?|cmake|autoconf|automake|libtool|.*-dev)$/;
const TOOLCHAIN_PATH = /^usr\/(lib|libexec)\/gcc\/|^usr\/bin\/(gcc|g\+\+|cc|c\+\+|cpp|ld|as|make)(-[\d.]+)?$|^usr\/(local\/)?include\//;
const CACHE_PATH =
  /(^|\/)\.cache\/(pip|pypoetry|uv)\/|(^|\/)\.npm\/_cacache\/|(^|\/)\.cache\/yarn\/|^usr\/local\/share\/\.cache\/yarn\/|^var\/lib\/apt\/lists\/[^/]+$|^var\/cache\/apt\/(archives\/[^/]+\.deb|[^/]+\.bin)$|^var\/cache\/apk\/[^/]+$/;
const VCS_DIR = /(^|\/)\.(git|hg|svn)(\/|$)/;

/** Secrets by path only, never content. */
export function isSecretPath(path: string): boolean {
  const b = basename(path);
  if (/^\.env(\.(?!example$|sample$|template$|dist$|defaults?$)[\w.-]+)?$/.test(b)) return true;
  if (/^id_(rsa|dsa|ecdsa|ed25519)$/.test(b)) return true;
  if (/(^|\/)\.aws\/credentials$|(^|\/)\.docker\/config\.json$|(^|\/)\.git-credentials$|(^|\/)\.netrc$|(^|\/)\.pypirc$|(^|\/)\.npmrc$/.test(path)) return true;
  if (/^(credentials|service[-_]?account[^/]*|gcp[-_]?key[^/]*)\.json$/i.test(b) && !PKG_DIR.test(path)) return true;
  if (/\.(pem|key|p12|pfx)$/i.test(b) && !PKG_DIR.test(path) && !/^(usr\/(share|lib)|etc\/ssl\/certs|etc\/ca-certificates)\//.test(path) && !/(cert|chain|ca-bundle|cacert)/i.test(b)) return true;
  return false;
}

/** An nvidia-* CUDA wheel (pip). */
export function isNvidiaWheel(p: Pick<PackageUsage, 'ecosystem' | 'name'>): boolean {
  return p.ecosystem === 'pip' && /^nvidia[-_]/i.test(p.name);
}

export interface FinalFile {
  readonly path: string;
  readonly bytes: number;
  readonly layer: number;
}

/** The CUDA libraries inside torch/lib of the final filesystem (one walk, shared by the analyses). */
export function torchCudaLibraries(root: FsNode): FinalFile[] {
  const out: FinalFile[] = [];
  walkNamed(root, '', (e, dir, name) => {
    if ((e.kind !== 'file' && e.kind !== 'symlink') || !TORCH_LIB_DIR.test(dir)) return;
    const path = joinPath(dir, name);
    if (CUDA_LIB.test(path)) out.push({ path, bytes: e.size, layer: e.layer });
  });
  return out;
}

/** torch's build, when torch is installed: a CPU-only torch is not a CUDA finding. */
export function torchBuild(packages: readonly PackageUsage[], cudaLibs: readonly FinalFile[]): TorchBuild | undefined {
  const torch = packages.find((p) => p.ecosystem === 'pip' && p.name.toLowerCase() === 'torch');
  if (!torch) return undefined;
  const cudaLibraries = cudaLibs.length;
  const cudaBytes = cudaLibs.reduce((a, f) => a + f.bytes, 0);
  const label = /\+([a-z]+)/.exec(torch.version ?? '')?.[1];
  const variant = label?.startsWith('cu') || cudaLibraries > 0 ? 'cuda' : label === 'cpu' ? 'cpu' : label?.startsWith('rocm') ? 'rocm' : 'unknown';
  return { version: torch.version, variant, cudaLibraries, cudaBytes };
}

export function findings(input: FindingsInput): Finding[] {
  const th = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const out: Finding[] = [];
  const byBytes = <T extends { bytes: number }>(xs: T[]): T[] => xs.sort((a, b) => b.bytes - a.bytes);
  // one walk; only the few paths some finding may want are kept (memory stays per finding, not per file)
  const finals: { path: string; bytes: number; layer: number }[] = [];
  const ANY = new RegExp([MODEL_EXT.source, CACHE_PATH.source, VCS_DIR.source, TOOLCHAIN_PATH.source, 'cc1(plus)?$'].join('|'), 'i');
  walkNamed(input.root, '', (e, dir, name) => {
    if (e.kind !== 'file' && e.kind !== 'symlink') return;
    const path = joinPath(dir, name);
    if (ANY.test(path)) finals.push({ path, bytes: e.size, layer: e.layer });
  });

  // cuda-libraries: nvidia-* wheels, triton, torch's own CUDA libraries
  const nvidia = input.packages.filter(isNvidiaWheel);
  const triton = input.packages.filter((p) => p.ecosystem === 'pip' && /^(triton|pytorch-triton)$/i.test(p.name));
  const cudaPkgs = [...nvidia, ...triton];
  const torch = input.packages.find((p) => p.ecosystem === 'pip' && p.name.toLowerCase() === 'torch');
  const torchCuda = input.torchCudaLibraries ?? torchCudaLibraries(input.root);
  const nvidiaCount = nvidia.length;
  const cudaBytes = cudaPkgs.reduce((a, p) => a + p.bytes, 0) + torchCuda.reduce((a, f) => a + f.bytes, 0);
  if (cudaBytes > 0) {
    const variant = torch?.version?.includes('+') ? ` (torch ${torch.version})` : torch ? ` (torch ${torch.version ?? ''}, CUDA build)` : '';
    out.push({
      code: 'cuda-libraries',
      severity: 'warning',
      bytes: cudaBytes,
      title: `CUDA libraries: ${[
        nvidiaCount ? `${nvidiaCount} nvidia-* package${nvidiaCount > 1 ? 's' : ''}` : '',
        triton.map((p) => p.name).join(', '),
        torchCuda.length ? `${torchCuda.length} CUDA libraries inside torch` : '',
      ]
        .filter(Boolean)
        .join(', ')}${variant}`,
      fix: 'if the app runs without a GPU, install CPU-only wheels: pip install torch --index-url https://download.pytorch.org/whl/cpu',
      items: [...byBytes(cudaPkgs.map((p) => pkgItem(p))), ...byBytes(torchCuda.map(fileItem))],
    });
  }

  // model-files: copied in (not shipped inside an installed package), each ≥ 1 MB
  const models = byBytes(finals.filter((f) => MODEL_EXT.test(f.path) && !PKG_DIR.test(f.path) && f.bytes >= th.modelFileMinBytes));
  if (models.length > 0) {
    out.push({
      code: 'model-files',
      severity: 'warning',
      bytes: models.reduce((a, f) => a + f.bytes, 0),
      title: `${models.length} model/data file(s) of ≥ ${th.modelFileMinBytes.toLocaleString('en-US')} bytes copied into the image (*.pt, *.pth, *.pkl, *.npy, *.h5, *.onnx, *.safetensors, *.ckpt)`,
      fix: 'add them to .dockerignore; mount them or download them at runtime',
      items: models.map(fileItem),
    });
  }

  // build-toolchain: compiler packages, else compiler files
  const tcPkgs = input.packages.filter((p) => (p.ecosystem === 'dpkg' || p.ecosystem === 'apk') && TOOLCHAIN_PKG.test(p.name) && p.bytes > 0);
  const hasCompiler = tcPkgs.some((p) => /^(gcc|g\+\+|cpp|build-essential|build-base|clang)/.test(p.name)) || finals.some((f) => /^usr\/(lib|libexec)\/gcc\/[^/]+\/[^/]+\/cc1(plus)?$/.test(f.path));
  if (hasCompiler) {
    const tcFiles = tcPkgs.length > 0 ? [] : finals.filter((f) => TOOLCHAIN_PATH.test(f.path));
    const bytes = tcPkgs.length > 0 ? tcPkgs.reduce((a, p) => a + p.bytes, 0) : tcFiles.reduce((a, f) => a + f.bytes, 0);
    out.push({
      code: 'build-toolchain',
      severity: 'warning',
      bytes,
      title: `build toolchain in the final image (${tcPkgs.length > 0 ? `${tcPkgs.length} packages: compilers, headers, *-dev` : 'gcc, cc1, headers'})`,
      fix: 'use a multi-stage build: compile in a builder stage, COPY only the results into a slim final stage',
      items: tcPkgs.length > 0 ? byBytes(tcPkgs.map(pkgItem)) : byBytes(tcFiles).map(fileItem),
    });
  }

  // package-cache
  const caches = byBytes(finals.filter((f) => CACHE_PATH.test(f.path)));
  const cacheBytes = caches.reduce((a, f) => a + f.bytes, 0);
  if (cacheBytes >= th.cacheMinBytes) {
    out.push({
      code: 'package-cache',
      severity: 'warning',
      bytes: cacheBytes,
      title: `package manager caches in the image (pip/npm/yarn caches, apt lists, .deb archives)`,
      fix: 'pip install --no-cache-dir; npm ci && npm cache clean --force; apt-get install … && rm -rf /var/lib/apt/lists/* in the same RUN',
      items: topFolders(caches),
    });
  }

  // vcs-metadata
  const vcs = finals.filter((f) => VCS_DIR.test(f.path));
  const vcsBytes = vcs.reduce((a, f) => a + f.bytes, 0);
  if (vcs.length > 0) {
    const roots = new Map<string, number>();
    for (const f of vcs) {
      const r = /^(.*?(?:^|\/)\.(?:git|hg|svn))(?:\/|$)/.exec(f.path)?.[1] ?? f.path;
      roots.set(r, (roots.get(r) ?? 0) + f.bytes);
    }
    out.push({
      code: 'vcs-metadata',
      severity: vcsBytes >= th.cacheMinBytes ? 'warning' : 'info',
      bytes: vcsBytes,
      title: `version-control metadata in the image (${roots.size} folder(s))`,
      fix: 'add .git (and .hg, .svn) to .dockerignore',
      items: byBytes([...roots].map(([r, bytes]) => ({ path: `/${displayPath(r)}`, bytes }))),
    });
  }

  // secrets: in any layer, also when a later layer deleted them
  const secrets: { path: string; layer: number; bytes: number; deleted: boolean }[] = [];
  input.layers.forEach((l, li) => {
    for (const e of l.files) {
      if ((e.kind === 'file' || e.kind === 'symlink') && isSecretPath(e.path)) {
        const now = lookup(input.root, e.path);
        const stillThere = now !== undefined && now.layer === li && now.kind === e.kind;
        secrets.push({ path: e.path, layer: li, bytes: e.size, deleted: !stillThere });
      }
    }
  });
  const removedIn = new Map(input.wasted.map((w) => [`${w.layer}\0${w.path}`, w.by]));
  if (secrets.length > 0) {
    const deleted = secrets.filter((s) => s.deleted).length;
    out.push({
      code: 'secrets',
      severity: 'error',
      bytes: secrets.reduce((a, s) => a + s.bytes, 0),
      title: `${secrets.length} secret-looking file(s) in the layers${deleted ? ` (${deleted} deleted by a later layer but still shipped in the lower one)` : ''}`,
      fix: 'never COPY secrets into an image: use build secrets (RUN --mount=type=secret) or runtime environment; deleting them later does not remove them from the lower layer; rotate any that shipped',
      items: secrets.map((s) => {
        const by = s.deleted ? removedIn.get(`${s.layer}\0${s.path}`) : undefined;
        return { path: `/${displayPath(s.path)}`, bytes: s.bytes, layer: s.layer + 1, ...(by !== undefined ? { removedBy: by + 1 } : {}) };
      }),
    });
  }

  // wasted-bytes
  if (input.wastedBytes >= th.wasteMinBytes || (input.contentBytes > 0 && input.wastedBytes >= th.wasteMinBytes / 10 && input.wastedBytes / input.contentBytes >= th.wasteMinShare)) {
    out.push({
      code: 'wasted-bytes',
      severity: 'warning',
      bytes: input.wastedBytes,
      title: `bytes shipped in one layer and deleted or overwritten by a later one (${((100 * input.wastedBytes) / Math.max(1, input.contentBytes)).toFixed(1)}% of the content)`,
      fix: 'create and delete in the same RUN, or build in a separate stage and COPY only what the final image needs',
      items: input.wasted.map((w) => ({ path: `/${displayPath(w.path)}`, bytes: w.bytes, layer: w.layer + 1, removedBy: w.by + 1 })),
    });
  }

  // duplicate-packages: one pip distribution installed twice
  const byName = new Map<string, PackageUsage[]>();
  for (const p of input.packages) {
    // pip, setuptools and wheel live in every venv and in the system Python: not a duplicate
    if (p.ecosystem !== 'pip' || /^(pip|setuptools|wheel)$/i.test(p.name)) continue;
    const k = p.name.toLowerCase().replace(/[-_.]+/g, '-');
    byName.set(k, [...(byName.get(k) ?? []), p]);
  }
  const dups = [...byName.values()].filter((ps) => ps.length > 1);
  if (dups.length > 0) {
    const extra = dups.reduce(
      (a, ps) =>
        a +
        byBytes([...ps])
          .slice(1)
          .reduce((b, p) => b + p.bytes, 0),
      0,
    );
    out.push({
      code: 'duplicate-packages',
      severity: 'warning',
      bytes: extra,
      title: `${dups.length} Python distribution(s) installed more than once`,
      fix: 'install into one environment (one venv or one site-packages), pin one version',
      items: dups.flatMap((ps) => ps.map((p) => ({ ...pkgItem(p), path: p.location ?? '/' }))),
    });
  }

  return out.sort((a, b) => b.bytes - a.bytes);
}

/** The folders (up to 4 levels deep) holding the files, with their bytes, largest first. */
function topFolders(files: readonly { path: string; bytes: number }[]): FindingItem[] {
  const dirs = new Map<string, number>();
  for (const f of files) {
    const parts = f.path.split('/');
    const key = parts.slice(0, Math.min(parts.length - 1, 4)).join('/');
    dirs.set(key, (dirs.get(key) ?? 0) + f.bytes);
  }
  return [...dirs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p, bytes]) => ({ path: `/${displayPath(p)}`, bytes }));
}

function pkgItem(p: PackageUsage): FindingItem {
  return { package: p.name, version: p.version, bytes: p.bytes };
}

function fileItem(f: { path: string; bytes: number; layer: number }): FindingItem {
  return { path: `/${displayPath(f.path)}`, bytes: f.bytes, layer: f.layer + 1 };
}
