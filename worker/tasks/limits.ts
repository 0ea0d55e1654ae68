/**
 * Cloudflare's production limits the engine must fit (DESIGN.md, "Production limits"): local miniflare does
 * not enforce them, so every IN-list, multi-row insert and sendBatch is cut to size here.
 */

/** D1: bound parameters per statement. */
export const D1_MAX_BOUND_PARAMS = 100;
/** An IN-list chunk, leaving room for the other parameters of the statement. */
export const IN_LIST_CHUNK = 80;
/** Queues: messages per sendBatch call. */
export const SEND_BATCH_MAX = 100;
/** Queues: maximum delaySeconds. */
export const MAX_DELAY_SECONDS = 43_200;

export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
