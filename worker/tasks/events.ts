/**
 * Progress events: every status or progress change of a task goes to the JobProgress channel of each
 * watcher (`task_watchers`) and to the task's own channel `task:<id>`. Best effort: D1 stays the truth,
 * and whoever waits re-reads it (see `waitForTask`), so a lost publish delays nobody for long.
 */
import { and, eq, inArray } from "drizzle-orm";
import { getDb } from "../db/client";
import { tasks, taskWatchers, TASK_STATUSES, type TaskRow, type TaskStatus } from "../db/schema";
import type { TaskEvent } from "../durable/progress-event";
import { chunksOf } from "../db/d1-limits";
import { IN_LIST_CHUNK } from "./limits";

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "dead", "expired", "cancelled"];
/** Statuses in which a child counts as settled for its parent. */
export const SETTLED_STATUSES = ["succeeded", "dead", "cancelled"] as const satisfies readonly (typeof TASK_STATUSES)[number][];

/** Publishes in flight at once: a recovery pass or a fan-out can change hundreds of rows. */
const PUBLISH_CONCURRENCY = 8;

export const taskChannel = (taskId: string) => `task:${taskId}`;

export function taskEvent(task: TaskRow): TaskEvent {
  return {
    type: "task",
    taskId: task.id,
    kind: task.kind,
    status: task.status,
    progress: task.progress,
    stage: task.stage,
    counters:
      task.childrenTotal > 0
        ? { total: task.childrenTotal, succeeded: task.childrenSucceeded, failed: task.childrenFailed, cancelled: task.childrenCancelled }
        : undefined,
    error: task.errorCode ? { code: task.errorCode, message: task.errorMessage ?? "" } : undefined,
    final: TERMINAL_STATUSES.includes(task.status),
    at: task.updatedAt.getTime(),
  };
}

/** The JobProgress Durable Object of a channel (tasks' own, watchers', or a face's). */
export function channelStub(env: Env, channel: string) {
  return env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(channel));
}

/** Publish the current state of each row to its channels. Never throws: a failed publish is logged. */
export async function publishTaskEvents(env: Env, rows: readonly TaskRow[]): Promise<void> {
  if (rows.length === 0) return;
  const latest = new Map<string, TaskRow>();
  for (const row of rows) latest.set(row.id, row);
  const deliveries: { channel: string; event: TaskEvent }[] = [];
  try {
    const watchers = new Map<string, string[]>();
    for (const ids of chunksOf([...latest.keys()], IN_LIST_CHUNK)) {
      const found = await getDb(env).select().from(taskWatchers).where(inArray(taskWatchers.taskId, ids));
      for (const w of found) watchers.set(w.taskId, [...(watchers.get(w.taskId) ?? []), w.channel]);
    }
    for (const row of latest.values()) {
      const event = taskEvent(row);
      for (const channel of [taskChannel(row.id), ...(watchers.get(row.id) ?? [])]) deliveries.push({ channel, event });
    }
  } catch (err) {
    logPublishFailure(err);
    return;
  }
  for (const group of chunksOf(deliveries, PUBLISH_CONCURRENCY)) {
    await Promise.all(
      group.map(({ channel, event }) => channelStub(env, channel).publish(event).catch(logPublishFailure)),
    );
  }
}

function logPublishFailure(err: unknown): void {
  console.warn(JSON.stringify({ level: "warn", event: "task.publish_failed", error: String(err) }));
}

/**
 * Send a task's events to `channel` from now on (idempotent), and its current state right away so the
 * watcher does not wait for the next change to learn where the task stands.
 */
export async function watchTask(env: Env, taskId: string, channel: string): Promise<void> {
  const db = getDb(env);
  await db.insert(taskWatchers).values({ taskId, channel }).onConflictDoNothing();
  const task = await db.select().from(tasks).where(eq(tasks.id, taskId)).get();
  if (!task) return;
  try {
    await channelStub(env, channel).publish(taskEvent(task));
  } catch (err) {
    logPublishFailure(err);
  }
}

/** Stop sending a task's events to `channel`. Never throws: a watcher left behind costs a publish, not a fault. */
export async function unwatchTask(env: Env, taskId: string, channel: string): Promise<void> {
  try {
    await getDb(env).delete(taskWatchers).where(and(eq(taskWatchers.taskId, taskId), eq(taskWatchers.channel, channel)));
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", event: "task.unwatch_failed", taskId, error: String(err) }));
  }
}

/** The task's own channel: what `waitForTask` subscribes to. */
export const taskChannelStub = (env: Env, taskId: string) => channelStub(env, taskChannel(taskId));
