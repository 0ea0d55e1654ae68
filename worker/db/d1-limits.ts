/**
 * D1's per-statement limits, which local miniflare applies too but only at run time in production do
 * they cost an outage: a query over them fails whole. Code that binds a list (an `IN (...)` of ids, a
 * multi-row `VALUES`) splits it with `chunksOf` so every statement stays inside them.
 */

/** Bound parameters per statement (Cloudflare D1 limit; SQLite's own default is far higher). */
export const D1_MAX_BOUND_PARAMETERS = 100;

/**
 * Split `items` into consecutive pieces of at most `size`. `size` is what one statement can spend on the
 * list: `D1_MAX_BOUND_PARAMETERS` minus the statement's other parameters.
 */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
