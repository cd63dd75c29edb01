/** Byte formatting, in one place: SI units like `docker images` (1 MB = 10^6 bytes). */
import prettyBytes from 'pretty-bytes';

export function human(bytes: number): string {
  return prettyBytes(bytes);
}

/** "424 MB (424,000,000 bytes)": for messages where a decision depends on the exact figure. */
export function humanExact(bytes: number): string {
  return `${prettyBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

export function signedHuman(bytes: number): string {
  return bytes === 0 ? '0 B' : prettyBytes(bytes, { signed: true });
}
