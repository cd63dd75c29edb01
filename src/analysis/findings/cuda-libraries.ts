import { findTorch, isCondaCuda, isNvidiaWheel, torchCudaLibraries } from './torch.js';
import { byBytes, fileItem, pkgItem, type FindingDefinition } from './types.js';

/** nvidia-* wheels, triton and torch's own CUDA libraries: what a default-index torch drags in. */
export const cudaLibraries = {
  code: 'cuda-libraries',
  severity: 'warning',
  when: '`nvidia-*` wheels, triton, CUDA libraries inside torch (`+cu124` builds), conda CUDA packages (`cuda-*`, `libcublas`, `pytorch-cuda`…); a `+cpu` torch is not a finding',
  fix: 'if the app runs without a GPU, install CPU-only wheels: pip install torch --index-url https://download.pytorch.org/whl/cpu (conda: the cpuonly package, or pytorch from the cpu build)',
  fixInShort: 'CPU-only wheels (`--index-url https://download.pytorch.org/whl/cpu`)',
  detect({ input }) {
    const nvidia = input.packages.filter(isNvidiaWheel);
    const triton = input.packages.filter((p) => p.ecosystem === 'pip' && /^(triton|pytorch-triton)$/i.test(p.name));
    const conda = input.packages.filter(isCondaCuda);
    const cudaPkgs = [...nvidia, ...triton, ...conda];
    const torch = findTorch(input.packages);
    const torchCuda = [...(input.torchCudaLibraries ?? torchCudaLibraries(input.root))];
    const bytes = cudaPkgs.reduce((a, p) => a + p.bytes, 0) + torchCuda.reduce((a, f) => a + f.bytes, 0);
    if (bytes === 0) return undefined;
    const variant = torch?.version?.includes('+')
      ? ` (torch ${torch.version})`
      : torch
        ? ` (${torch.name} ${[torch.version, torch.build].filter(Boolean).join(' ')}${torch.build?.includes('cuda') ? '' : ', CUDA build'})`
        : '';
    const parts = [
      nvidia.length ? `${nvidia.length} nvidia-* package${nvidia.length > 1 ? 's' : ''}` : '',
      triton.map((p) => p.name).join(', '),
      conda.length ? `${conda.length} conda CUDA package${conda.length > 1 ? 's' : ''}` : '',
      torchCuda.length ? `${torchCuda.length} CUDA libraries inside torch` : '',
    ];
    return {
      bytes,
      title: `CUDA libraries: ${parts.filter(Boolean).join(', ')}${variant}`,
      items: [...byBytes(cudaPkgs.map(pkgItem)), ...byBytes(torchCuda.map(fileItem))],
    };
  },
} satisfies FindingDefinition;
