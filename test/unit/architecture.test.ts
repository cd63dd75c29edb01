/**
 * The house (ARCHITECTURE.md): every file of src/ lives in a room, the rooms stand on floors, and
 * an import may only go to the same room or a lower floor — never up, never round in a circle.
 * The imports are read from the source text (static, dynamic and `import type` alike: a type
 * that points upward is a design that points upward).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../src');

/** The floors, lowest first; rooms on one floor may not import each other. */
const FLOORS: readonly (readonly string[])[] = [
  ['base'], // errors, bounded JSON, paths, sizes, platforms, version: imports nothing of the project
  ['report'], // the contract: schema, limits, reading saved reports
  ['tar'],
  ['layer'], // one layer's scan
  ['model'], // what an image is (model.ts)
  ['detectors'], // package ecosystems
  ['cache'], // the layer cache: a layer's scan kept by its digest
  ['archive'], // docker save / OCI archives and folders
  ['registry', 'daemon'], // the other places an image comes from, fed into the archive's assembly
  ['source'], // the front door: an argument to a source, opened and assembled
  ['analysis'], // pure functions over the model
  ['fix'], // from a finding to the change that removes it: .dockerignore lines
  ['gate'], // budgets, rules, the config
  ['render'], // renderers: report → text
  ['inspect'], // the main job as one call (inspect.ts)
  ['fleet'], // many images: plan, scan shards into the cache, merge
  ['cli', 'index'], // the doors out: the command line, the library
  ['action'], // the GitHub Action: runs the command line, talks to GitHub
];

/** The browser page is its own bundle: it may use the renderers' shared pieces, nothing that reads images. */
const VIEWER_MAY_IMPORT = new Set(['viewer', 'base', 'render']);

function roomOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? rel[0]!.replace(/\.ts$/, '') : rel[0]!;
}

function floorOf(room: string): number {
  const i = FLOORS.findIndex((f) => f.includes(room));
  if (i < 0) throw new Error(`src/${room} is in no room of ARCHITECTURE.md (add it to FLOORS)`);
  return i;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The project files a source imports: `from '…'`, `import('…')`, `import '…'`. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    out.add(path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts')));
  }
  return [...out];
}

/** Upward imports and cycles of a graph. */
function violations(graph: ReadonlyMap<string, readonly string[]>): { upward: string[]; cycles: string[][] } {
  const upward: string[] = [];
  for (const [file, deps] of graph) {
    const from = roomOf(file);
    for (const dep of deps) {
      const to = roomOf(dep);
      if (from === 'viewer' ? !VIEWER_MAY_IMPORT.has(to) : to !== from && (to === 'viewer' || floorOf(to) >= floorOf(from))) {
        upward.push(`${path.relative(SRC, file)} → ${path.relative(SRC, dep)}`);
      }
    }
  }
  // Tarjan's strongly connected components, iteratively: every component of more than one file is a cycle
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: [string, number][] = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    on.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const deps = (graph.get(v) ?? []).filter((d) => graph.has(d));
      if (i < deps.length) {
        top[1]++;
        const w = deps[i]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          on.add(w);
          work.push([w, 0]);
        } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low.set(u, Math.min(low.get(u)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        for (let w = stack.pop()!; ; w = stack.pop()!) {
          on.delete(w);
          scc.push(path.relative(SRC, w));
          if (w === v) break;
        }
        if (scc.length > 1) cycles.push(scc.sort());
      }
    }
  }
  return { upward, cycles };
}

describe('the house', () => {
  const graph = new Map(sources(SRC).map((f) => [f, importsOf(f)] as const));

  it('has every file in a room of ARCHITECTURE.md', () => {
    for (const f of graph.keys()) if (roomOf(f) !== 'viewer') expect(() => floorOf(roomOf(f))).not.toThrow();
  });

  it('has no import that runs upward and no import cycle', () => {
    expect(violations(graph)).toEqual({ upward: [], cycles: [] });
  });

  it('the ground floor imports nothing of the project', () => {
    const base = [...graph].filter(([f]) => roomOf(f) === 'base');
    expect(base.length).toBeGreaterThan(4);
    for (const [f, deps] of base)
      expect(
        deps.filter((d) => roomOf(d) !== 'base'),
        f,
      ).toEqual([]);
  });

  it('fails on an upward import and on a cycle (the check itself)', () => {
    const f = (p: string): string => path.join(SRC, p);
    const bad = new Map([
      [f('base/errors.ts'), [f('report/schema.ts')]],
      [f('report/schema.ts'), []],
      [f('layer/a.ts'), [f('layer/b.ts')]],
      [f('layer/b.ts'), [f('layer/a.ts')]],
    ]);
    expect(violations(bad)).toEqual({ upward: ['base/errors.ts → report/schema.ts'], cycles: [['layer/a.ts', 'layer/b.ts']] });
  });
});
