import { expect } from 'vitest';
import { ImgsizeError } from '../../src/base/errors.js';

/** Asserts the promise fails with an ImgsizeError whose `what: why` line matches. */
export async function failsWith(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImgsizeError);
  const err = e as ImgsizeError;
  expect(`${err.what}: ${err.message}`).toMatch(re);
}
