/**
 * Size strings, as a budget is written: `424MB` = 424,000,000 bytes (SI, like docker images),
 * `424MiB` = 444,596,224 bytes, `1.5GB`, a plain integer is bytes. `%` only where a growth
 * limit allows it. Anything else is an error that says what is accepted.
 */
const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export const SIZE_EXAMPLE = 'e.g. "424MB" (SI, 10^6), "424MiB" (2^20), "1.5GB" or a whole number of bytes';

/** Parses a size; returns undefined when the text is not one. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  // more digits than a double holds exactly would be rounded silently: not a size
  const m = /^\s*(\d{1,15}(?:\.\d{1,9})?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  if (unit === '') return /^\d+$/.test(m[1]!) && Number.isSafeInteger(Number(m[1])) ? Number(m[1]) : undefined;
  const mult = UNITS[unit];
  if (mult === undefined) return undefined;
  const v = Math.round(Number(m[1]) * mult);
  return Number.isSafeInteger(v) ? v : undefined;
}

export type Growth = { readonly kind: 'percent'; readonly value: number } | { readonly kind: 'bytes'; readonly value: number };

export function parseGrowth(text: string | number): Growth | undefined {
  if (typeof text === 'string') {
    const m = /^\s*(\d{1,6}(?:\.\d{1,6})?)\s*%\s*$/.exec(text);
    if (m) return { kind: 'percent', value: Number(m[1]) };
  }
  const b = parseSize(text);
  return b === undefined ? undefined : { kind: 'bytes', value: b };
}
