/** torch and CUDA: which build torch is, the CUDA libraries inside it, the nvidia-* wheels. */
import { joinPath } from '../../base/paths.js';
import type { ReportPackage, TorchBuild } from '../../report/schema.js';
import { walkNamed, type FsNode } from '../squash.js';
import type { FinalFile } from './types.js';

/** A folder at or below some `torch/lib`. */
const TORCH_LIB_DIR = /(^|\/)torch\/lib(\/|$)/;
const CUDA_LIB = /(^|\/)lib(cudart|cublas|cublasLt|cudnn[^/]*|cufft|curand|cusolver|cusparse|cusparseLt|nccl|nvrtc|nvJitLink|nvToolsExt|cupti|cufile|caffe2_nvrtc|torch_cuda[^/]*|c10_cuda)[^/]*\.so/;

/** An nvidia-* CUDA wheel (pip). */
export function isNvidiaWheel(p: Pick<ReportPackage, 'ecosystem' | 'name'>): boolean {
  return p.ecosystem === 'pip' && /^nvidia[-_]/i.test(p.name);
}

/** conda's CUDA packages: the toolkit split in pieces (cuda-*, libcublas, libcudnn, nccl…) and pytorch-cuda. */
const CONDA_CUDA = /^(cuda-.+|cudatoolkit|cudnn|nccl|pytorch-cuda|lib(cublas|cufft|curand|cusolver|cusparse|cudnn|nccl|nvjitlink|npp|nvjpeg|cufile|cupti)[\w-]*)$/i;

/** A CUDA package conda installed. */
export function isCondaCuda(p: Pick<ReportPackage, 'ecosystem' | 'name'>): boolean {
  return p.ecosystem === 'conda' && CONDA_CUDA.test(p.name);
}

/** torch: pip's torch, or conda's pytorch. */
export function findTorch(packages: readonly ReportPackage[]): ReportPackage | undefined {
  return packages.find((p) => (p.ecosystem === 'pip' && p.name.toLowerCase() === 'torch') || (p.ecosystem === 'conda' && p.name.toLowerCase() === 'pytorch'));
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
export function torchBuild(packages: readonly ReportPackage[], cudaLibs: readonly FinalFile[]): TorchBuild | undefined {
  const torch = findTorch(packages);
  if (!torch) return undefined;
  const cudaLibraries = cudaLibs.length;
  const cudaBytes = cudaLibs.reduce((a, f) => a + f.bytes, 0);
  // pip says it in the version's local label (2.6.0+cu124), conda in the build string (py3.11_cuda12.1_cudnn8_0)
  const label = /\+([a-z]+)/.exec(torch.version ?? '')?.[1] ?? /(^|_)(cuda|cpu|rocm)/.exec(torch.build ?? '')?.[2];
  const variant = label?.startsWith('cu') || cudaLibraries > 0 ? 'cuda' : label === 'cpu' ? 'cpu' : label?.startsWith('rocm') ? 'rocm' : 'unknown';
  return { version: torch.build ? `${torch.version ?? ''} ${torch.build}`.trim() : torch.version, variant, cudaLibraries, cudaBytes };
}
