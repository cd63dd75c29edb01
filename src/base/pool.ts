/**
 * Runs `fn` over `items` in their order, at most `atOnce` at a time (downloads, layers, cache
 * entries). After a failure no further item starts, and the first failure is what the returned
 * promise rejects with; `stop.failed` tells the running ones (a long read can give up early).
 */
export async function eachAtOnce<T>(items: readonly T[], atOnce: number, fn: (item: T) => Promise<void>, stop: { failed: boolean } = { failed: false }): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length && !stop.failed) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (e) {
        stop.failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, atOnce), items.length) }, worker));
}

/** Largest first: the longest read starts first and the small ones fill the other slots. */
export const bySizeDown = <T extends { readonly size: number }>(xs: readonly T[]): T[] => [...xs].sort((a, b) => b.size - a.size);
