/**
 * What follows every committed status change of tasks: their progress events, and the `onGivenUp` hook of
 * each kind whose task ended dead or cancelled — whichever path ended it (the runner's failure, cron's
 * recovery of a lapsed lease, a cancellation), so a face's own record of the work never stays "processing"
 * behind a task nobody will run again.
 */
import type { TaskRow } from "../db/schema";
import { publishTaskEvents } from "./events";
import { getTaskKind } from "./registry";

const GIVEN_UP = new Set<TaskRow["status"]>(["dead", "cancelled"]);

/** Never throws: events are best effort, and a failing hook is logged (the task row stays the truth). */
export async function announceTransitions(env: Env, rows: readonly TaskRow[]): Promise<void> {
  await publishTaskEvents(env, rows);
  for (const row of rows) {
    if (!GIVEN_UP.has(row.status)) continue;
    const hook = getTaskKind(row.kind)?.onGivenUp;
    if (!hook) continue;
    try {
      await hook({ env }, row);
    } catch (err) {
      console.error(JSON.stringify({ level: "error", event: "task.given_up_hook_failed", taskId: row.id, kind: row.kind, error: String(err) }));
    }
  }
}
