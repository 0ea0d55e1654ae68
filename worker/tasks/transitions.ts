/**
 * What follows every committed status change of tasks: their progress events, and the `onEnded` hook of
 * each kind whose task reached succeeded, dead or cancelled — whichever path ended it (the runner, cron's
 * recovery of a lapsed lease, a cancellation), so a face's own record of the work never stays "processing"
 * behind a task nobody will run again.
 */
import type { TaskRow } from "../db/schema";
import { publishTaskEvents, SETTLED_STATUSES } from "./events";
import { getTaskKind } from "./registry";

const ENDED = new Set<TaskRow["status"]>(SETTLED_STATUSES);

/** Never throws: events are best effort, and a failing hook is logged (the task row stays the truth). */
export async function announceTransitions(env: Env, rows: readonly TaskRow[]): Promise<void> {
  await publishTaskEvents(env, rows);
  for (const row of rows) {
    if (!ENDED.has(row.status)) continue;
    const hook = getTaskKind(row.kind)?.onEnded;
    if (!hook) continue;
    try {
      await hook({ env }, row);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", event: "task.ended_hook_failed", taskId: row.id, kind: row.kind, error: String(err) }));
    }
  }
}
