/**
 * Fan-out: a running task creates children. The inserts and the parent's `children_total` are one D1
 * batch; multi-row inserts are cut so that no statement binds more than D1's 100 parameters, and
 * wake-ups go out in sendBatch calls of at most 100.
 */
import { and, eq, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { tasks, type TaskRow } from "../db/schema";
import { getConfig } from "../env";
import { newId } from "../lib/ids";
import { cancelTask } from "./cancel";
import { TaskError } from "./errors";
import { announceTransitions } from "./transitions";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../db/d1-limits";
import type { ChildSpec } from "./registry";
import { wakeMany } from "./wake";

type NewTask = typeof tasks.$inferInsert;

export const clampPriority = (p: number | undefined) => Math.min(10, Math.max(1, Math.round(p ?? 5)));

/** A child's idempotency key: scoped to its parent, so two parents never share a child. */
export const childKey = (parentId: string, key: string) => `child:${parentId}:${key}`;

/**
 * Create the children of a running task (those whose key already exists are skipped) and wake runners
 * for them. Throws `lease.lost` when the parent is no longer this runner's, and `task.cancelled` (after
 * cancelling what it just created) when the parent was cancelled meanwhile.
 */
export async function spawnChildren(
  env: Env,
  parent: Pick<TaskRow, "id" | "leaseToken" | "priority" | "face" | "ownerUserId">,
  specs: readonly ChildSpec[],
  now = Date.now(),
): Promise<string[]> {
  const db = getDb(env);
  const config = getConfig(env);
  const rows: NewTask[] = specs.map((spec) => ({
    id: newId(),
    kind: spec.kind,
    face: parent.face,
    priority: clampPriority(spec.priority ?? parent.priority),
    status: "queued",
    maxRetries: spec.maxRetries ?? config.TASK_MAX_RETRIES,
    idempotencyKey: childKey(parent.id, spec.key),
    payload: spec.payload,
    ownerUserId: parent.ownerUserId,
    parentId: parent.id,
    runAfter: new Date(now + (spec.delaySeconds ?? 0) * 1000),
    createdAt: new Date(now),
    updatedAt: new Date(now),
  }));
  if (rows.length === 0) return [];
  // drizzle binds every column of a multi-row insert (defaults included): measure one row, cut to fit.
  const paramsPerRow = db.insert(tasks).values(rows[0]!).toSQL().params.length;
  const rowsPerStatement = Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / paramsPerRow));

  const inserts = chunksOf(rows, rowsPerStatement).map((chunk) =>
    db.insert(tasks).values(chunk).onConflictDoNothing({ target: tasks.idempotencyKey }).returning({ id: tasks.id }),
  );
  const total = db
    .update(tasks)
    .set({ childrenTotal: sql`(SELECT count(*) FROM tasks c WHERE c.parent_id = ${parent.id})`, updatedAt: new Date(now) })
    .where(and(eq(tasks.id, parent.id), eq(tasks.status, "running"), eq(tasks.leaseToken, parent.leaseToken ?? "")))
    .returning();
  // The total is counted after the inserts of the same batch (one transaction), so it is exact.
  const [firstInsert, ...moreInserts] = inserts;
  const results = await db.batch([firstInsert!, ...moreInserts, total]);
  const [updatedParent] = results[results.length - 1] as TaskRow[];
  const created = (results.slice(0, -1) as { id: string }[][]).flatMap((r) => r.map((c) => c.id));

  const current = updatedParent ?? (await db.select().from(tasks).where(eq(tasks.id, parent.id)).get());
  if (current && (current.status === "cancelled" || current.cancelRequested)) {
    // cancelTask ran before these children existed: run it again so they never start.
    await cancelTask(env, parent.id, now);
    throw new TaskError("task.cancelled", "the task was cancelled", false);
  }
  // Another runner holds the task now; it spawns the same keys and adopts these children.
  if (!updatedParent) throw new TaskError("lease.lost", "lease lost to another runner", false);
  const delayOf = new Map(rows.map((r) => [r.id, Math.max(0, Math.ceil((r.runAfter.getTime() - now) / 1000))]));
  const byDelay = Map.groupBy(created, (id) => delayOf.get(id) ?? 0);
  for (const [delay, ids] of byDelay) await wakeMany(env, ids, "submitted", delay);
  await announceTransitions(env, [updatedParent]);
  return created;
}

/**
 * Run a settled child again (a failed video of an archive job, say): the child goes back to the queue as
 * new, its settlement is taken out of the parent's counters, and a parent that had finished waits for it
 * again (its finishing run repeats once the child settles). One D1 batch, compare-and-set on the child's
 * status: of two concurrent retries one reopens, the other gets undefined. Refused (undefined) for a child
 * that has not settled as dead or cancelled, or whose parent was cancelled.
 */
export async function retryChild(env: Env, childId: string, now = Date.now()): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const child = await db.select().from(tasks).where(eq(tasks.id, childId)).get();
  if (!child?.parentId || (child.status !== "dead" && child.status !== "cancelled")) return undefined;
  const parent = await db.select({ status: tasks.status }).from(tasks).where(eq(tasks.id, child.parentId)).get();
  if (!parent || parent.status === "cancelled") return undefined;
  const stillSettled = sql`(SELECT c.status FROM tasks c WHERE c.id = ${childId}) = ${child.status}`;
  const counted = sql`(SELECT c.counted_in_parent FROM tasks c WHERE c.id = ${childId})`;
  const [, reopened] = await db.batch([
    db
      .update(tasks)
      .set({
        childrenFailed: sql`${tasks.childrenFailed} - CASE WHEN ${counted} = 1 AND ${child.status} = 'dead' THEN 1 ELSE 0 END`,
        childrenCancelled: sql`${tasks.childrenCancelled} - CASE WHEN ${counted} = 1 AND ${child.status} = 'cancelled' THEN 1 ELSE 0 END`,
        status: sql`CASE WHEN ${tasks.status} IN ('succeeded', 'dead') THEN 'waiting' ELSE ${tasks.status} END`,
        finishedAt: sql`CASE WHEN ${tasks.status} IN ('succeeded', 'dead') THEN NULL ELSE ${tasks.finishedAt} END`,
        updatedAt: new Date(now),
      })
      .where(and(eq(tasks.id, child.parentId), sql`${tasks.status} <> 'cancelled'`, stillSettled)),
    db
      .update(tasks)
      .set({
        status: "queued",
        attempts: 0,
        countedInParent: false,
        cancelRequested: false,
        errorCode: null,
        errorMessage: null,
        progress: 0,
        stage: null,
        result: null,
        runAfter: new Date(now),
        finishedAt: null,
        updatedAt: new Date(now),
      })
      .where(and(eq(tasks.id, childId), eq(tasks.status, child.status), sql`(SELECT p.status FROM tasks p WHERE p.id = ${child.parentId}) <> 'cancelled'`))
      .returning(),
  ]);
  const row = reopened[0];
  if (!row) return undefined;
  await wakeMany(env, [row.id], "submitted");
  const parentRow = await db.select().from(tasks).where(eq(tasks.id, child.parentId)).get();
  await announceTransitions(env, parentRow ? [row, parentRow] : [row]);
  return row;
}
