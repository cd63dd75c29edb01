/** Finds, reads and validates imgsize.config.json (the schema is in config/schema.ts). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ImgsizeError } from '../base/errors.js';
import type { Config } from './config-schema.js';
import { parseBoundedJson, preview } from '../base/json.js';

export const CONFIG_NAME = 'imgsize.config.json';

/** From `cwd` up to the repository root (a folder holding .git) or the filesystem root. */
export function findConfig(cwd: string): string | undefined {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, CONFIG_NAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Reads and validates a config file. The schema (zod) is loaded only here: most runs need no config. */
export async function loadConfig(file: string): Promise<Config> {
  const { ConfigSchema, CONFIG_EXAMPLE } = await import('./config-schema.js');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ImgsizeError('config', file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseBoundedJson(text, file, (e) => `not valid JSON (${e.message})`);
  } catch (e) {
    throw new ImgsizeError('config', file, (e as Error).message, { hint: `for example: ${CONFIG_EXAMPLE.replace(/\s+/g, ' ')}` });
  }
  const r = ConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = mostSpecific(r.error.issues[0]!);
  const key = issue.path.map(String).join('.') || '(top level)';
  let value: unknown = raw;
  for (const k of issue.path) value = (value as Record<string, unknown> | undefined)?.[k as string];
  const got =
    issue.code === 'unrecognized_keys'
      ? `unknown key(s) ${issue.keys.map((k: string) => JSON.stringify(k)).join(', ')}`
      : `${issue.message}${value !== undefined && !issue.message.includes(preview(value)) ? ` (got ${preview(value)})` : ''}`;
  throw new ImgsizeError('config', file, `${key}: ${got}`, { hint: `for example: ${CONFIG_EXAMPLE.replace(/\s+/g, ' ')}` });
}

type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[]; errors?: Issue[][] };

/** A union's error says "Invalid input"; the branch that got furthest says why. */
function mostSpecific(issue: Issue): Issue & { keys: string[] } {
  let cur = issue;
  while (cur.code === 'invalid_union' && cur.errors && cur.errors.length > 0) {
    // the branch that got furthest into the value (the longest path), a custom message first
    const all = cur.errors.flat();
    const branch = [...all].sort((a, b) => b.path.length - a.path.length || Number(b.code === 'custom') - Number(a.code === 'custom'))[0];
    if (!branch) break;
    cur = { ...branch, path: [...cur.path, ...branch.path] };
  }
  return { ...cur, keys: cur.keys ?? [] };
}
