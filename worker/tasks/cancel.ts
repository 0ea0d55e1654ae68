/**
 * Cancellation. A queued or waiting task is cancelled at once; a running one gets `cancel_requested`,
 * which its runner sees at the next heartbeat (the run's signal aborts) and which turns whatever the run
 * ends with into `cancelled`. Pending descendants are cancelled level by level, in chunks that fit D1.
 */
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "../db/client";
import { tasks, type TaskRow } from "../db/schema";
import { announceTransitions } from "./transitions";
import { chunksOf } from "../db/d1-limits";
import { IN_LIST_CHUNK } from "./limits";
import { afterSettle, settleStatements } from "./settle";

const PENDING = ["queued", "waiting"] as const;

/** Cancel a task and its pending descendants. Idempotent; returns the task as it is afterwards. */
export async function cancelTask(env: Env, id: string, now = Date.now()): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const [stopped, requested, parents, counted, woken] = await db.batch([
    db
      .update(tasks)
      .set(cancelledNow(now))
      .where(and(eq(tasks.id, id), inArray(tasks.status, [...PENDING])))
      .returning(),
    db
      .update(tasks)
      .set({ cancelRequested: true, updatedAt: new Date(now) })
      .where(and(eq(tasks.id, id), eq(tasks.status, "running"), eq(tasks.cancelRequested, false)))
      .returning(),
    ...settleStatements(db, { childId: id }, now),
  ]);
  await announceTransitions(env, [...stopped, ...requested]);
  await afterSettle(env, { parents, counted, woken });

  const task = await db.select().from(tasks).where(eq(tasks.id, id)).get();
  // Also when an earlier call already cancelled it: a run may have spawned children since.
  if (task && (task.status === "cancelled" || task.cancelRequested)) await cancelDescendants(env, [id], now);
  return task;
}

async function cancelDescendants(env: Env, rootIds: string[], now: number): Promise<void> {
  const db = getDb(env);
  let frontier = rootIds;
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const parentIds of chunksOf(frontier, IN_LIST_CHUNK)) {
      const [stopped, requested, parents, counted, woken] = await db.batch([
        db
          .update(tasks)
          .set(cancelledNow(now))
          .where(and(inArray(tasks.parentId, parentIds), inArray(tasks.status, [...PENDING])))
          .returning(),
        db
          .update(tasks)
          .set({ cancelRequested: true, updatedAt: new Date(now) })
          .where(and(inArray(tasks.parentId, parentIds), eq(tasks.status, "running"), eq(tasks.cancelRequested, false)))
          .returning(),
        ...settleStatements(db, { parentIds }, now),
      ]);
      await announceTransitions(env, [...stopped, ...requested]);
      await afterSettle(env, { parents, counted, woken });
      next.push(...stopped.map((t) => t.id), ...requested.map((t) => t.id));
    }
    frontier = next;
  }
}

function cancelledNow(now: number) {
  return {
    status: "cancelled" as const,
    cancelRequested: true,
    errorCode: "task.cancelled",
    errorMessage: "cancelled",
    leaseToken: null,
    leaseUntil: null,
    updatedAt: new Date(now),
    finishedAt: new Date(now),
  };
}
