/**
 * The seed's causes, found automatically: on images built like the seed's before image every cause
 * is a finding with the planted bytes; on the after image none is. The images are the samples'
 * own (samples/seed.mjs) at 1% scale, with the model-file threshold scaled alike.
 */
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module shared with `npm start`
import { seedArchive, seedImage } from '../../samples/seed.mjs';
import { readImage } from '../../src/source/read.js';
import { buildReport, type Report } from '../../src/analysis/report.js';
import { DETECTORS, captureFor } from '../../src/detectors/index.js';

const SCALE = 0.01;
const thresholds = { modelFileMinBytes: 10_000 };

interface SpecFile {
  path: string;
  size?: number;
  content?: Buffer;
  symlink?: string;
  dir?: boolean;
}
interface Spec {
  layers: { createdBy: string; files: SpecFile[] }[];
}

async function report(which: 'before' | 'after'): Promise<Report> {
  const model = await readImage({ stream: seedArchive(which, { scale: SCALE }), label: which }, { verify: true, scan: { capture: captureFor(DETECTORS) } });
  return buildReport(model, { detectors: DETECTORS, thresholds });
}

const sizeOf = (f: SpecFile): number => (f.content ? f.content.length : f.symlink !== undefined ? f.symlink.length : (f.size ?? 0));
const files = (spec: Spec): SpecFile[] => spec.layers.flatMap((l) => l.files).filter((f) => !f.dir);
const sum = (fs: SpecFile[]): number => fs.reduce((a, f) => a + sizeOf(f), 0);

describe('seed-like before image', () => {
  let r: Report;
  let spec: Spec;
  beforeAll(async () => {
    r = await report('before');
    spec = seedImage('before', { scale: SCALE }) as Spec;
  });
  const finding = (code: string) => r.findings.find((f) => f.code === code);

  it('reports torch +cu124 and its nvidia-* CUDA wheels as cuda-libraries, with their bytes', () => {
    const planted = files(spec).filter((f) =>
      /site-packages\/(nvidia\/|nvidia_[^/]+\.dist-info\/|triton\/|triton-[^/]+\.dist-info\/)|torch\/lib\/lib(torch_cuda|c10_cuda|caffe2_nvrtc)\.so$/.test(f.path),
    );
    expect(finding('cuda-libraries')?.bytes).toBe(sum(planted));
    expect(finding('cuda-libraries')?.title).toMatch(/13 nvidia-\* packages, triton, 3 CUDA libraries inside torch \(torch 2\.6\.0\+cu124\)/);
    expect(r.packageGroups[0]).toMatchObject({ name: 'CUDA libraries (nvidia-*)', count: 13 });
    expect(r.torch).toMatchObject({ version: '2.6.0+cu124', variant: 'cuda', cudaLibraries: 3 });
  });

  it('reports the model files copied in, but not a 2 KB test fixture', () => {
    const planted = files(spec).filter((f) => /\.(pt|pth|pkl|npy)$/.test(f.path) && sizeOf(f) >= thresholds.modelFileMinBytes);
    expect(planted).toHaveLength(4);
    expect(finding('model-files')?.bytes).toBe(sum(planted));
    // every model file in JSON, each with its bytes and layer
    expect(finding('model-files')?.items).toHaveLength(4);
    expect(
      finding('model-files')
        ?.items.map((i) => i.path)
        .join(' '),
    ).not.toMatch(/tiny\.pt/);
    expect(finding('model-files')?.items.every((i) => i.path!.startsWith('/') && i.bytes >= thresholds.modelFileMinBytes && i.layer !== undefined)).toBe(true);
  });

  it("reports gcc left in the final image as build-toolchain, with the packages' bytes", () => {
    const f = finding('build-toolchain');
    expect(f?.items.map((i) => i.package)).toEqual(expect.arrayContaining(['gcc-12', 'cpp-12', 'libc6-dev']));
    const toolchain = ['gcc-12', 'cpp-12', 'binutils-x86-64-linux-gnu', 'libgcc-12-dev', 'libc6-dev', 'linux-libc-dev', 'gcc'];
    const pkgs = r.packages.filter((p) => p.ecosystem === 'dpkg' && toolchain.includes(p.name));
    expect(pkgs).toHaveLength(7);
    expect(f?.bytes).toBe(pkgs.reduce((a, p) => a + p.bytes, 0));
    // the planted bytes of gcc-12: its two big files and its copyright, as its .list names them
    const gcc = r.packages.find((p) => p.name === 'gcc-12')!;
    const planted = files(spec).filter((x) => ['usr/lib/gcc/x86_64-linux-gnu/12/lto1', 'usr/bin/x86_64-linux-gnu-gcc-12', 'usr/share/doc/gcc-12/copyright'].includes(x.path));
    expect(gcc.bytes).toBe(sum(planted));
  });

  it('reports the apt lists as package-cache, .git as vcs-metadata and .env as a secret', () => {
    expect(finding('package-cache')?.bytes).toBe(sum(files(spec).filter((f) => f.path.startsWith('var/lib/apt/lists/'))));
    expect(finding('vcs-metadata')?.bytes).toBe(sum(files(spec).filter((f) => f.path.startsWith('app/.git/'))));
    expect(finding('secrets')?.items).toEqual([{ path: '/app/.env', bytes: expect.any(Number), layer: 7 }]);
  });

  it('attributes merged-/usr dpkg files through the bin symlink', () => {
    const bash = r.packages.find((p) => p.ecosystem === 'dpkg' && p.name === 'bash')!;
    expect(bash.files).toBe(2); // /bin/bash (stored as usr/bin/bash) and its copyright
    expect(bash.bytes).toBe(sum(files(spec).filter((f) => f.path === 'usr/bin/bash' || f.path === 'usr/share/doc/bash/copyright')));
  });
});

describe('seed-like after image', () => {
  it("has none of the seed's causes", async () => {
    const r = await report('after');
    expect(r.findings.map((f) => f.code)).toEqual([]);
    expect(r.packages.find((p) => p.name === 'torch')?.version).toBe('2.6.0+cpu');
    expect(r.torch).toEqual({ version: '2.6.0+cpu', variant: 'cpu', cudaLibraries: 0, cudaBytes: 0 });
    expect(r.packages.some((p) => /^nvidia-/.test(p.name))).toBe(false);
  });
});

describe('the seed’s fixes, written from its before image and its build context', () => {
  it('the three fixes the team made, and an estimate of the after image within 8 % of the real one', async () => {
    const { readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { fixesOf, afterFixes } = await import('../../src/fix/fixes.js');
    const ctx = path.resolve(__dirname, '../../samples/seed-context');
    const [before, after] = await Promise.all([report('before'), report('after')]);
    const fixes = fixesOf(before, { dockerignore: readFileSync(path.join(ctx, '.dockerignore'), 'utf8'), dockerfile: readFileSync(path.join(ctx, 'Dockerfile'), 'utf8') })!;
    // a CPU-only torch, a multi-stage build, a better .dockerignore
    expect(fixes.dockerfile.map((f) => f.finding)).toEqual(expect.arrayContaining(['cuda-libraries', 'build-toolchain']));
    expect(fixes.dockerfile.find((f) => f.finding === 'cuda-libraries')!.suggestion[0]).toMatch(/--index-url https:\/\/download\.pytorch\.org\/whl\/cpu torch==2\.6\.0/);
    expect(fixes.dockerignore!.lines).toEqual(expect.arrayContaining(['**/*.pth', '**/*.npy']));
    expect(fixes.dockerignore!.misleading.map((m) => m.line)).toEqual(['*.pt', '*.pkl']);
    const estimate = afterFixes(fixes, before);
    expect(Math.abs(estimate.contentBytes / after.totals.contentBytes - 1)).toBeLessThan(0.08);
    expect(Math.abs(estimate.compressedBytes / after.totals.pushBytes - 1)).toBeLessThan(0.08);
  });
});
