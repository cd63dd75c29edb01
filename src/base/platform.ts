/**
 * Platforms (`os/arch[/variant]`), one rule for every source, as go-containerregistry's `Platform`:
 * parsed from a flag or a descriptor, canonical spellings (`x86_64` is `amd64`, `arm64/v8` is
 * `arm64`), matched with the variant optional on the side asked for, linux/amd64 by default.
 */
import { ImgsizeError } from './errors.js';

export const DEFAULT_PLATFORM = 'linux/amd64';

/** `--platform`: os/arch[/variant], else a usage error. */
export function parsePlatform(text: string, flag = '--platform'): string {
  if (!/^[a-z0-9_.-]+\/[a-z0-9_.-]+(\/[a-z0-9_.-]+)?$/i.test(text)) throw new ImgsizeError('usage', flag, `expected os/arch[/variant], e.g. linux/amd64, got "${text}"`);
  return text;
}

export function canonicalPlatform(p: string): string {
  const parts = p.toLowerCase().split('/');
  if (parts[1] === 'arm64' && parts[2] === 'v8') parts.length = 2;
  if (parts[1] === 'amd64' && parts[2] === 'v1') parts.length = 2;
  if (parts[1] === 'x86_64') parts[1] = 'amd64';
  if (parts[1] === 'aarch64') parts[1] = 'arm64';
  return parts.join('/');
}

/** Whether an image of platform `have` is what `want` asks for (a variant left out matches any). */
export function platformMatches(have: string, want: string): boolean {
  const h = canonicalPlatform(have).split('/');
  const w = canonicalPlatform(want).split('/');
  if (h[0] !== w[0] || h[1] !== w[1]) return false;
  if (w.length < 3) return true;
  return h[2] === w[2];
}

/** os/arch[/variant] of an OCI platform object (a descriptor's, a config's); null when it has none. */
export function platformOf(p: unknown): string | null {
  if (typeof p !== 'object' || p === null) return null;
  const { os, architecture, variant } = p as Record<string, unknown>;
  if (typeof os !== 'string' || typeof architecture !== 'string') return null;
  return typeof variant === 'string' && variant ? `${os}/${architecture}/${variant}` : `${os}/${architecture}`;
}

/** The OCI platform object of os/arch[/variant]. */
export function platformObject(platform: string): { os: string; architecture: string; variant?: string } {
  const [os = '', architecture = '', variant] = platform.split('/');
  return variant ? { os, architecture, variant } : { os, architecture };
}
