import { byBytes, fileItem, pkgItem, type FindingDefinition } from './types.js';

const TOOLCHAIN_PKG =
  /^(gcc(-\d+)?|g\+\+(-\d+)?|cpp(-\d+)?|build-essential|build-base|binutils|make|clang(-\d+)?|llvm(-\d+)?|musl-dev|libc6-dev|libc-dev|linux-libc-dev|libgcc-\d+-dev|libstdc\+\+-\d+-dev|gfortran(-\d+)?|binutils(-[\w-]+)?|cmake|autoconf|automake|libtool|.*-dev)$/;
const TOOLCHAIN_PATH = /^usr\/(lib|libexec)\/gcc\/|^usr\/bin\/(gcc|g\+\+|cc|c\+\+|cpp|ld|as|make)(-[\d.]+)?$|^usr\/(local\/)?include\//;
const CC1 = /^usr\/(lib|libexec)\/gcc\/[^/]+\/[^/]+\/cc1(plus)?$/;

/** Compilers left in the final stage: compiler packages, else compiler files. */
export const buildToolchain = {
  code: 'build-toolchain',
  severity: 'warning',
  when: 'gcc/g++/cpp, build-essential, `*-dev` packages, `cc1`',
  fix: 'use a multi-stage build: compile in a builder stage, COPY only the results into a slim final stage',
  fixInShort: 'multi-stage build',
  paths: TOOLCHAIN_PATH,
  detect({ input, finals }) {
    const pkgs = input.packages.filter((p) => (p.ecosystem === 'dpkg' || p.ecosystem === 'apk') && TOOLCHAIN_PKG.test(p.name) && p.bytes > 0);
    const hasCompiler = pkgs.some((p) => /^(gcc|g\+\+|cpp|build-essential|build-base|clang)/.test(p.name)) || finals.some((f) => CC1.test(f.path));
    if (!hasCompiler) return undefined;
    const files = pkgs.length > 0 ? [] : [...finals];
    return {
      bytes: pkgs.length > 0 ? pkgs.reduce((a, p) => a + p.bytes, 0) : files.reduce((a, f) => a + f.bytes, 0),
      title: `build toolchain in the final image (${pkgs.length > 0 ? `${pkgs.length} packages: compilers, headers, *-dev` : 'gcc, cc1, headers'})`,
      items: pkgs.length > 0 ? byBytes(pkgs.map(pkgItem)) : byBytes(files).map(fileItem),
    };
  },
} satisfies FindingDefinition;
