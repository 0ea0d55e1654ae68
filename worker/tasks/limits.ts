/**
 * Cloudflare's production limits the engine must fit (DESIGN.md, "Production limits"): local miniflare does
 * not enforce them, so every IN-list, multi-row insert and sendBatch is cut to size (D1's own figure and
 * `chunksOf` are in db/d1-limits.ts).
 */

/** An IN-list chunk, leaving room for the other parameters of the statement. */
export const IN_LIST_CHUNK = 80;
/** Queues: messages per sendBatch call. */
export const SEND_BATCH_MAX = 100;
/** Queues: maximum delaySeconds. */
export const MAX_DELAY_SECONDS = 43_200;
