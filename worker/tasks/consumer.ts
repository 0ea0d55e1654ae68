/**
 * The queue consumer. Each message is a wake-up: claim the best ready task, run its handler, record the
 * outcome. Which task runs is decided by the table (priority), not by the message, so a duplicate or
 * redelivered message can never run a task twice.
 */
import type { TaskRow } from "../db/schema";
import { spawnChildren } from "./children";
import { claimNextTask, completeRun, failTask, recoverStalledTasks, renewLease, saveStep, waitForChildrenOf, type TaskWakeMessage } from "./engine";
import { TaskError, toTaskError } from "./errors";
import { getTaskKind, WaitForChildren, type TaskRunContext } from "./registry";

/** Progress writes are throttled: D1 is not a progress bar. */
const PROGRESS_INTERVAL_MS = 1000;

export interface RunOutcome {
  taskId: string;
  kind: string;
  status: "succeeded" | "queued" | "waiting" | "dead" | "expired" | "cancelled" | "running" | "lost";
}

/** Claim and run one task. Returns undefined when nothing was ready. */
export async function runNextTask(env: Env): Promise<RunOutcome | undefined> {
  const task = await claimNextTask(env);
  if (!task) return undefined;
  return runClaimedTask(env, task);
}

export async function runClaimedTask(env: Env, task: TaskRow): Promise<RunOutcome> {
  const definition = getTaskKind(task.kind);
  const outcome = (status: RunOutcome["status"] | undefined): RunOutcome => ({ taskId: task.id, kind: task.kind, status: status ?? "lost" });
  if (!definition) {
    return outcome(await failTask(env, task, new TaskError("task.unknown_kind", `no handler for task kind ${task.kind}`, false)));
  }

  const controller = new AbortController();
  const stop = (error: TaskError) => {
    if (!controller.signal.aborted) controller.abort(error);
  };
  let lastBeat = 0;
  const steps: Record<string, unknown> = { ...(task.steps ?? {}) };
  const ctx: TaskRunContext = {
    env,
    task,
    signal: controller.signal,
    steps,
    async progress(percent, stage) {
      const now = Date.now();
      if (now - lastBeat < PROGRESS_INTERVAL_MS) return;
      lastBeat = now;
      const lease = await renewLease(env, task, percent, stage, now);
      if (!lease.held) stop(new TaskError("lease.lost", "lease lost to another runner", false));
      else if (lease.cancelRequested) stop(new TaskError("task.cancelled", "the task was cancelled", false));
    },
    async saveStep(name, result) {
      if (!(await saveStep(env, task, name, result))) {
        stop(new TaskError("lease.lost", "lease lost to another runner", false));
        throw controller.signal.reason;
      }
      steps[name] = result;
    },
    spawnChildren: (children) => spawnChildren(env, task, children),
    waitForChildren: () => new WaitForChildren(),
  };

  try {
    const result = await definition.run(ctx);
    if (result instanceof WaitForChildren) return outcome(await waitForChildrenOf(env, task));
    return outcome(await completeRun(env, task, result));
  } catch (err) {
    const error = toTaskError(err);
    console.warn(JSON.stringify({ level: "warn", event: "task.failed", taskId: task.id, kind: task.kind, attempt: task.attempts, code: error.code, message: error.message }));
    // A cancelled run ends `cancelled` (failTask sees the request on the row), never retried or dead.
    return outcome(await failTask(env, task, error));
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
