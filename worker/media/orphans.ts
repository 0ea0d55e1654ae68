/**
 * Objects no `files` row references. Task attempts write outputs under `tasks/<taskId>/a<attempt>/` and
 * rows are registered only when an attempt succeeds, so a failed, crashed or retried attempt leaves
 * objects that the idle collector (which reads D1) never sees. Two ways out:
 * - `deletePrefix`: the task code cleans a failed attempt's prefix at once;
 * - `sweepOrphanObjects`: a cron step that walks `tasks/` a page at a time and removes what nobody
 *   references and nobody can still be writing, for the attempts that died without cleaning up.
 */
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "../db/client";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../db/d1-limits";
import { files, tasks } from "../db/schema";
import { getConfig } from "../env";

export const TASK_OUTPUT_PREFIX = "tasks/";
/** Where the sweep remembers how far it got: outside `tasks/`, so it never lists (or sweeps) itself. */
export const ORPHAN_SWEEP_STATE_KEY = "_system/orphan-sweep.json";
/** R2 lists and deletes at most 1,000 keys per call. */
const R2_MAX_KEYS = 1000;
/** `tasks/<taskId>/a<attempt>/…`, the layout `runMediaFetchTask` writes. */
const ATTEMPT_KEY = /^tasks\/([^/]+)\/a(\d+)\//;

/** The keys among `keys` that a `files` row references. */
async function referencedKeys(env: Env, keys: readonly string[]): Promise<Set<string>> {
  const db = getDb(env);
  const found = new Set<string>();
  for (const part of chunksOf(keys, D1_MAX_BOUND_PARAMETERS)) {
    const rows = await db.select({ key: files.r2Key }).from(files).where(inArray(files.r2Key, part));
    for (const row of rows) found.add(row.key);
  }
  return found;
}

/** "<taskId>/<attempt>" of every attempt that is running right now, among the tasks named in `keys`. */
async function runningAttempts(env: Env, keys: readonly string[]): Promise<Set<string>> {
  const taskIds = [...new Set(keys.map((k) => ATTEMPT_KEY.exec(k)?.[1]).filter((id): id is string => !!id))];
  const db = getDb(env);
  const running = new Set<string>();
  // One parameter goes to the status.
  for (const part of chunksOf(taskIds, D1_MAX_BOUND_PARAMETERS - 1)) {
    const rows = await db
      .select({ id: tasks.id, attempts: tasks.attempts })
      .from(tasks)
      .where(and(inArray(tasks.id, part), eq(tasks.status, "running")));
    for (const row of rows) running.add(`${row.id}/${row.attempts}`);
  }
  return running;
}

function attemptOf(key: string): string | undefined {
  const m = ATTEMPT_KEY.exec(key);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * Delete every object under `prefix` that no `files` row references, and return how many went. For a
 * failed attempt's prefix, e.g. `tasks/<id>/a2`: a `/` is appended when missing, so `…/a1` never reaches
 * into `…/a10/`. Registered objects stay: an attempt that failed after registering some outputs must not
 * leave rows pointing at nothing.
 */
export async function deletePrefix(env: Env, prefix: string): Promise<number> {
  if (!prefix || prefix === "/") throw new Error("deletePrefix needs a non-empty prefix");
  const scoped = prefix.endsWith("/") ? prefix : `${prefix}/`;
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await env.MEDIA.list({ prefix: scoped, cursor, limit: R2_MAX_KEYS });
    const keys = page.objects.map((o) => o.key);
    const keep = await referencedKeys(env, keys);
    const doomed = keys.filter((k) => !keep.has(k));
    if (doomed.length > 0) await env.MEDIA.delete(doomed);
    deleted += doomed.length;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return deleted;
}

interface SweepState {
  /** The last key the previous pass looked at; the next pass lists after it. */
  after?: string;
}

async function readState(env: Env): Promise<SweepState> {
  const obj = await env.MEDIA.get(ORPHAN_SWEEP_STATE_KEY);
  if (!obj) return {};
  try {
    const parsed: unknown = await obj.json();
    const after = typeof parsed === "object" && parsed !== null && "after" in parsed ? parsed.after : undefined;
    return typeof after === "string" && after.startsWith(TASK_OUTPUT_PREFIX) ? { after } : {};
  } catch {
    return {};
  }
}

export interface SweepOptions {
  /** Keys listed per R2 page (≤ 1,000). */
  pageSize?: number;
  /** Pages per pass: the bound on one pass's work. */
  pages?: number;
}

/**
 * One bounded pass over `tasks/`: list up to `pages` pages after where the previous pass stopped, delete
 * the objects that are unreferenced, older than the task lease (younger ones may belong to an attempt
 * still uploading) and not under an attempt that is running now; then remember the last key seen. At the
 * end of the prefix the next pass starts over.
 *
 * The position is a key (used as `startAfter`), not R2's opaque list cursor, because it must survive
 * between invocations a minute apart. Overlapping passes may look at the same page; deleting twice is
 * harmless.
 */
export async function sweepOrphanObjects(env: Env, now = Date.now(), opts: SweepOptions = {}): Promise<Record<string, number>> {
  const pageSize = Math.min(opts.pageSize ?? R2_MAX_KEYS, R2_MAX_KEYS);
  const pages = opts.pages ?? 2;
  const oldestAllowed = now - getConfig(env).TASK_LEASE_SECONDS * 1000;
  const state = await readState(env);
  let listed = 0;
  let deleted = 0;
  let cursor: string | undefined;
  let last = state.after;
  let reachedEnd = false;
  for (let page = 0; page < pages; page++) {
    // The first page starts after the remembered key; later pages of this pass follow R2's cursor.
    const list = await env.MEDIA.list(
      cursor ? { prefix: TASK_OUTPUT_PREFIX, cursor, limit: pageSize } : { prefix: TASK_OUTPUT_PREFIX, startAfter: last, limit: pageSize },
    );
    listed += list.objects.length;
    const old = list.objects.filter((o) => o.uploaded.getTime() < oldestAllowed).map((o) => o.key);
    const [keep, running] = await Promise.all([referencedKeys(env, old), runningAttempts(env, old)]);
    const doomed = old.filter((k) => !keep.has(k) && !running.has(attemptOf(k) ?? ""));
    if (doomed.length > 0) await env.MEDIA.delete(doomed);
    deleted += doomed.length;
    last = list.objects.at(-1)?.key ?? last;
    if (!list.truncated) {
      reachedEnd = true;
      break;
    }
    cursor = list.cursor;
  }
  if (reachedEnd) await env.MEDIA.delete(ORPHAN_SWEEP_STATE_KEY);
  else await env.MEDIA.put(ORPHAN_SWEEP_STATE_KEY, JSON.stringify({ after: last } satisfies SweepState));
  return { listed, deleted, wrapped: reachedEnd ? 1 : 0 };
}
