/**
 * Counting settled children into their parent. The statements here are appended to the D1 batch that
 * makes a child terminal, so the transition and the count commit together (a D1 batch is one
 * transaction). They count every settled child whose `counted_in_parent` flag is still 0 and flip that
 * flag in the same batch: a replayed transition, a stale runner's late write, or a retry after a crash
 * finds the flag set and adds nothing, and a child is never missed because whichever batch runs next
 * picks it up.
 */
import { and, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { tasks, type TaskRow } from "../db/schema";
import { SETTLED_STATUSES } from "./events";
import { announceTransitions } from "./transitions";
import { getTaskKind } from "./registry";
import { wakeMany } from "./wake";

/** Which parents a settle pass looks at: the parent of one child, given parents, or every parent (cron). */
export type SettleScope = { childId: string } | { parentIds: readonly string[] } | { all: true };

const SETTLED_LIST = `(${SETTLED_STATUSES.map((s) => `'${s}'`).join(",")})`;
/** Settled, not yet counted children of the row being updated (`tasks` is the outer row, `c` the child). */
const fresh = (statuses: string) =>
  sql.raw(`(SELECT count(*) FROM tasks c WHERE c.parent_id = tasks.id AND c.counted_in_parent = 0 AND c.status IN ${statuses})`);
const settledCount = sql`(${tasks.childrenSucceeded} + ${tasks.childrenFailed} + ${tasks.childrenCancelled})`;

function scopeConditions(scope: SettleScope): { parents: SQL; children: SQL; wakeable: SQL | undefined } {
  if ("childId" in scope) {
    const parentOf = sql`(SELECT s.parent_id FROM tasks s WHERE s.id = ${scope.childId})`;
    const parents = sql`${tasks.id} = ${parentOf}`;
    return { parents, children: sql`${tasks.parentId} = ${parentOf}`, wakeable: parents };
  }
  if ("parentIds" in scope) {
    const parents = inArray(tasks.id, [...scope.parentIds]);
    return { parents, children: inArray(tasks.parentId, [...scope.parentIds]), wakeable: parents };
  }
  return {
    parents: sql.raw(
      `tasks.id IN (SELECT s.parent_id FROM tasks s WHERE s.parent_id IS NOT NULL AND s.counted_in_parent = 0 AND s.status IN ${SETTLED_LIST})`,
    ),
    children: isNotNull(tasks.parentId),
    // After the flags flip nothing marks which parents were touched; any waiting parent whose children
    // all settled is due anyway.
    wakeable: undefined,
  };
}

/**
 * The three statements, in order: add fresh children to the counters (and progress), flip their flags,
 * requeue waiting parents whose last child settled. Append them to the batch of the child's transition.
 * `parentIds` scope binds one parameter per id: keep it within IN_LIST_CHUNK.
 */
export function settleStatements(db: Db, scope: SettleScope, now: number) {
  const where = scopeConditions(scope);
  const count = db
    .update(tasks)
    .set({
      childrenSucceeded: sql`${tasks.childrenSucceeded} + ${fresh("('succeeded')")}`,
      childrenFailed: sql`${tasks.childrenFailed} + ${fresh("('dead')")}`,
      childrenCancelled: sql`${tasks.childrenCancelled} + ${fresh("('cancelled')")}`,
      progress: sql`CASE WHEN ${tasks.status} IN ('queued','running','waiting') AND ${tasks.childrenTotal} > 0
        THEN min(99, ((${settledCount} + ${fresh(SETTLED_LIST)}) * 100) / ${tasks.childrenTotal})
        ELSE ${tasks.progress} END`,
      updatedAt: new Date(now),
    })
    .where(and(where.parents, sql`${fresh(SETTLED_LIST)} > 0`))
    .returning();
  const flag = db
    .update(tasks)
    .set({ countedInParent: true })
    .where(and(where.children, eq(tasks.countedInParent, false), inArray(tasks.status, [...SETTLED_STATUSES])))
    .returning();
  const wakeParents = db
    .update(tasks)
    .set({ status: "queued", runAfter: new Date(now), updatedAt: new Date(now) })
    .where(and(eq(tasks.status, "waiting"), sql`${settledCount} >= ${tasks.childrenTotal}`, where.wakeable))
    .returning();
  return [count, flag, wakeParents] as const;
}

export interface SettleOutcome {
  /** Parents whose counters changed. */
  parents: TaskRow[];
  /** Children counted by this batch (each exactly once, over all batches). */
  counted: TaskRow[];
  /** Parents requeued because their last child settled. */
  woken: TaskRow[];
}

/**
 * What follows a committed settle: events for the changed parents, wake-ups for requeued ones, and the
 * kinds' `onChildSettled` hooks, run by the batch that counted the child (so at most once per child).
 */
export async function afterSettle(env: Env, outcome: SettleOutcome): Promise<void> {
  const { parents, counted, woken } = outcome;
  if (woken.length > 0) await wakeMany(env, woken.map((t) => t.id), "children");
  await announceTransitions(env, [...parents, ...woken]);
  const parentById = new Map([...parents, ...woken].map((p) => [p.id, p]));
  for (const child of counted) {
    const parent = child.parentId ? parentById.get(child.parentId) : undefined;
    const hook = parent ? getTaskKind(parent.kind)?.onChildSettled : undefined;
    if (!parent || !hook) continue;
    try {
      await hook({ env, parent }, child);
    } catch (err) {
      // The count is committed; a hook's failure is the kind's to report, not a reason to undo the child.
      console.error(JSON.stringify({ level: "error", event: "task.child_hook_failed", parentId: parent.id, childId: child.id, error: String(err) }));
    }
  }
}
