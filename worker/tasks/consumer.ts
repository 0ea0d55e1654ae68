/**
 * The queue consumer. Each message is a wake-up: claim the best ready task, run its handler, record the
 * outcome. Which task runs is decided by the table (priority), not by the message, so a duplicate or
 * redelivered message can never run a task twice.
 */
import type { TaskRow } from "../db/schema";
import { claimNextTask, completeTask, failTask, heartbeat, recoverStalledTasks, type TaskWakeMessage } from "./engine";
import { TaskError, toTaskError } from "./errors";
import { getTaskHandler } from "./registry";

/** Progress writes are throttled: D1 is not a progress bar. */
const PROGRESS_INTERVAL_MS = 1000;

export interface RunOutcome {
  taskId: string;
  kind: string;
  status: "succeeded" | "queued" | "dead" | "expired" | "running" | "lost";
}

/** Claim and run one task. Returns undefined when nothing was ready. */
export async function runNextTask(env: Env): Promise<RunOutcome | undefined> {
  const task = await claimNextTask(env);
  if (!task) return undefined;
  return runClaimedTask(env, task);
}

export async function runClaimedTask(env: Env, task: TaskRow): Promise<RunOutcome> {
  const handler = getTaskHandler(task.kind);
  const outcome = (status: RunOutcome["status"]): RunOutcome => ({ taskId: task.id, kind: task.kind, status });
  if (!handler) {
    const status = await failTask(env, task, new TaskError("task.unknown_kind", `no handler for task kind ${task.kind}`, false));
    return outcome(status === "dead" ? "dead" : "lost");
  }

  const controller = new AbortController();
  let lastBeat = 0;
  const progress = async (percent: number, stage?: string) => {
    const now = Date.now();
    if (now - lastBeat < PROGRESS_INTERVAL_MS) return;
    lastBeat = now;
    const stillOurs = await heartbeat(env, task, percent, stage, now);
    if (!stillOurs) controller.abort(new TaskError("lease.lost", "lease lost to another runner", false));
  };

  try {
    const result = await handler({ env, task, progress, signal: controller.signal });
    const done = await completeTask(env, task, result);
    return outcome(done ? "succeeded" : "lost");
  } catch (err) {
    const error = toTaskError(err);
    console.warn(JSON.stringify({ level: "warn", event: "task.failed", taskId: task.id, kind: task.kind, attempt: task.attempts, code: error.code, message: error.message }));
    const status = await failTask(env, task, error);
    return outcome(status ?? "lost");
  }
}

export async function handleQueueBatch(batch: MessageBatch<TaskWakeMessage>, env: Env): Promise<void> {
  if (batch.queue.endsWith("-dlq")) {
    // A wake-up that kept crashing the consumer: the tasks themselves are safe in D1; re-run recovery.
    console.error(JSON.stringify({ level: "error", event: "queue.dead_letter", count: batch.messages.length }));
    await recoverStalledTasks(env);
    batch.ackAll();
    return;
  }
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await runNextTask(env);
        message.ack();
      } catch (err) {
        // Only engine/D1 failures reach here (handler errors are recorded on the task); let the queue retry.
        console.error(JSON.stringify({ level: "error", event: "queue.consume_failed", error: String(err) }));
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
}
