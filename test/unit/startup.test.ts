/**
 * What `imgsize app.tar` loads before it reads a byte: the static imports of the built CLI (dist/,
 * which npm test builds first). The registry and daemon clients (undici), zod (saved reports, the
 * config, fleet plans) and the fleet are loaded by the commands that reach them: each cost 0.1 s
 * or more of startup on every run.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = path.resolve(__dirname, '../../dist');

/** The files and packages `entry` loads through static imports (`import … from`, `export … from`, `import '…'`). */
function staticClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>([entry]);
  const packages = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s(?:[^'";]*?\sfrom\s)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) {
        packages.add(spec);
        continue;
      }
      const to = path.resolve(path.dirname(file), spec);
      if (!files.has(to)) {
        files.add(to);
        todo.push(to);
      }
    }
  }
  return { files, packages };
}

describe('startup', () => {
  it.skipIf(!existsSync(path.join(DIST, 'cli/main.js')))('loads no registry or daemon client, no zod and no fleet for reading an archive', () => {
    const { files, packages } = staticClosure(path.join(DIST, 'cli/main.js'));
    expect(files.size).toBeGreaterThan(50);
    expect(packages).toContain('commander');
    expect([...packages].filter((p) => p === 'undici' || p === 'zod' || p.startsWith('zod/'))).toEqual([]);
    const rel = [...files].map((f) => path.relative(DIST, f));
    expect(rel.filter((f) => f.startsWith('fleet/') || f === 'registry/client.js' || f === 'daemon/client.js' || f === 'report/schema.js')).toEqual([]);
  });
});
