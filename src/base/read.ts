/** Reading a small body whole, never more than a bound of it: a manifest, a token, an API's answer. */

/**
 * The bytes of `body`, at most `max`. Past `max`: `over` says what happens — `'cut'` keeps what came
 * before the chunk that passed it and stops reading (for an error message's text), a function's
 * error is thrown. A read that fails throws `broke(bytesRead, error)`.
 */
export async function readBounded(
  body: AsyncIterable<Uint8Array>,
  max: number,
  over: 'cut' | (() => Error),
  broke: (read: number, e: unknown) => Error = (_n, e) => (e instanceof Error ? e : new Error(String(e))),
): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    for await (const c of body) {
      n += c.length;
      if (n > max) {
        if (over === 'cut') break;
        throw over();
      }
      parts.push(c);
    }
  } catch (e) {
    if (over !== 'cut' && n > max) throw e;
    throw broke(n, e);
  }
  return Buffer.concat(parts);
}
