/**
 * Wake-up messages. They carry no work (the consumer claims by priority from D1), so sending one too many
 * is harmless and a lost one is repaired by cron's recovery pass.
 */
import { chunksOf } from "../db/d1-limits";
import { MAX_DELAY_SECONDS, SEND_BATCH_MAX } from "./limits";

export interface TaskWakeMessage {
  /** The task that caused the wake-up; informational only — the consumer claims by priority. */
  taskId?: string;
  reason: "submitted" | "retry" | "recovered" | "reopened" | "children";
}

export async function wake(env: Env, message: TaskWakeMessage, delaySeconds = 0): Promise<void> {
  await env.TASKS.send(message, delaySeconds > 0 ? { delaySeconds: Math.min(delaySeconds, MAX_DELAY_SECONDS) } : undefined);
}

/** One message per task id, in sendBatch calls of at most SEND_BATCH_MAX messages. */
export async function wakeMany(env: Env, taskIds: readonly string[], reason: TaskWakeMessage["reason"], delaySeconds = 0): Promise<void> {
  const delay = delaySeconds > 0 ? { delaySeconds: Math.min(delaySeconds, MAX_DELAY_SECONDS) } : {};
  for (const chunk of chunksOf(taskIds, SEND_BATCH_MAX)) {
    await env.TASKS.sendBatch(chunk.map((taskId) => ({ body: { taskId, reason } satisfies TaskWakeMessage, ...delay })));
  }
}
