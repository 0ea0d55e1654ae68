/**
 * The task engine: one D1 table, claimed atomically, woken by queue messages.
 *
 * Guarantees, and how they are kept:
 * - One task per idempotency key: a UNIQUE index and INSERT … ON CONFLICT DO NOTHING, so concurrent
 *   identical submissions converge on one row.
 * - One runner at a time: claiming is a single UPDATE … WHERE id = (SELECT … LIMIT 1) AND status='queued',
 *   atomic in SQLite; the runner holds a lease token and every later write checks it, so a runner whose
 *   lease lapsed cannot overwrite the result of the runner that took over.
 * - Messages are only wake-ups: a redelivered or duplicate message finds nothing to claim and is acked.
 * - Retries with exponential backoff; when attempts run out the task is `dead` with its error kept.
 * - A runner that vanished (Worker evicted, transcoder killed with the connection) leaves a lease that
 *   expires; cron requeues it (`recoverStalledTasks`).
 */
import { and, asc, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { tasks, type TaskRow, type TaskStatus } from "../db/schema";
import { getConfig } from "../env";
import { newId } from "../lib/ids";
import type { TaskError } from "./errors";

export interface TaskWakeMessage {
  /** The task that caused the wake-up; informational only — the consumer claims by priority. */
  taskId?: string;
  reason: "submitted" | "retry" | "recovered" | "reopened";
}

export interface SubmitTaskInput {
  kind: string;
  payload: unknown;
  /** 1 (lowest) … 10 (highest). */
  priority?: number;
  idempotencyKey?: string;
  maxRetries?: number;
  family?: string;
  ownerUserId?: number | null;
}

export interface SubmitTaskOutcome {
  task: TaskRow;
  /** A new row was inserted by this call. */
  created: boolean;
  /** An existing dead or expired task was put back in the queue by this call. */
  reopened: boolean;
}

export const TERMINAL_STATUSES: readonly TaskStatus[] = ["succeeded", "dead", "expired"];

const clampPriority = (p: number | undefined) => Math.min(10, Math.max(1, Math.round(p ?? 5)));

async function wake(env: Env, message: TaskWakeMessage, delaySeconds = 0): Promise<void> {
  await env.TASKS.send(message, delaySeconds > 0 ? { delaySeconds: Math.min(delaySeconds, 43_200) } : undefined);
}

export async function submitTask(env: Env, input: SubmitTaskInput, now = Date.now()): Promise<SubmitTaskOutcome> {
  const db = getDb(env);
  const config = getConfig(env);
  const row = {
    id: newId(),
    kind: input.kind,
    family: input.family ?? null,
    priority: clampPriority(input.priority),
    status: "queued" as const,
    maxRetries: input.maxRetries ?? config.TASK_MAX_RETRIES,
    idempotencyKey: input.idempotencyKey ?? null,
    payload: input.payload,
    ownerUserId: input.ownerUserId ?? null,
    runAfter: new Date(now),
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };

  const inserted = await db.insert(tasks).values(row).onConflictDoNothing({ target: tasks.idempotencyKey }).returning();
  const created = inserted[0];
  if (created) {
    await wake(env, { taskId: created.id, reason: "submitted" });
    return { task: created, created: true, reopened: false };
  }

  // Same key already known: that row is the task (and, when it succeeded, the cache).
  const existing = await db.select().from(tasks).where(eq(tasks.idempotencyKey, row.idempotencyKey!)).get();
  if (!existing) throw new Error("task vanished between insert and select");
  if (existing.status === "dead" || existing.status === "expired") {
    const reopened = await reopenTask(env, existing, input.payload, now);
    if (reopened) return { task: reopened, created: false, reopened: true };
    const current = await getTask(env, existing.id);
    return { task: current ?? existing, created: false, reopened: false };
  }
  return { task: existing, created: false, reopened: false };
}

/**
 * Put a dead or expired task back in the queue. Compare-and-set on (status, updated_at): of two concurrent
 * resubmissions only one reopens, the other sees the reopened row.
 */
async function reopenTask(env: Env, task: TaskRow, payload: unknown, now: number): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const [row] = await db
    .update(tasks)
    .set({
      status: "queued",
      attempts: 0,
      progress: 0,
      stage: null,
      result: null,
      errorCode: null,
      errorMessage: null,
      payload,
      runAfter: new Date(now),
      updatedAt: new Date(now),
      finishedAt: null,
    })
    .where(and(eq(tasks.id, task.id), eq(tasks.status, task.status), eq(tasks.updatedAt, task.updatedAt)))
    .returning();
  if (row) await wake(env, { taskId: row.id, reason: "reopened" });
  return row;
}

export async function getTask(env: Env, id: string): Promise<TaskRow | undefined> {
  return getDb(env).select().from(tasks).where(eq(tasks.id, id)).get();
}

/** Claim the highest-priority ready task, or nothing. Atomic: two consumers never claim the same row. */
export async function claimNextTask(env: Env, now = Date.now()): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const leaseMs = getConfig(env).TASK_LEASE_SECONDS * 1000;
  const next = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, "queued"), lte(tasks.runAfter, new Date(now))))
    .orderBy(desc(tasks.priority), asc(tasks.runAfter), asc(tasks.createdAt))
    .limit(1);
  const [claimed] = await db
    .update(tasks)
    .set({
      status: "running",
      attempts: sql`${tasks.attempts} + 1`,
      leaseToken: newId(),
      leaseUntil: new Date(now + leaseMs),
      updatedAt: new Date(now),
    })
    .where(and(eq(tasks.id, sql`(${next})`), eq(tasks.status, "queued")))
    .returning();
  return claimed;
}

const leased = (task: Pick<TaskRow, "id" | "leaseToken">) =>
  and(eq(tasks.id, task.id), eq(tasks.status, "running"), eq(tasks.leaseToken, task.leaseToken ?? ""));

/** Record progress and extend the lease. Returns false when the lease was lost (the run must stop). */
export async function heartbeat(
  env: Env,
  task: Pick<TaskRow, "id" | "leaseToken">,
  progress: number,
  stage: string | undefined,
  now = Date.now(),
): Promise<boolean> {
  const leaseMs = getConfig(env).TASK_LEASE_SECONDS * 1000;
  const updated = await getDb(env)
    .update(tasks)
    .set({
      progress: Math.max(0, Math.min(99, Math.floor(progress))),
      stage: stage ?? null,
      leaseUntil: new Date(now + leaseMs),
      updatedAt: new Date(now),
    })
    .where(leased(task))
    .returning({ id: tasks.id });
  return updated.length === 1;
}

/** Mark a run successful. False when the lease was lost; the result is then discarded. */
export async function completeTask(env: Env, task: Pick<TaskRow, "id" | "leaseToken">, result: unknown, now = Date.now()): Promise<boolean> {
  const updated = await getDb(env)
    .update(tasks)
    .set({
      status: "succeeded",
      result: result ?? null,
      progress: 100,
      stage: "done",
      errorCode: null,
      errorMessage: null,
      leaseToken: null,
      leaseUntil: null,
      updatedAt: new Date(now),
      finishedAt: new Date(now),
    })
    .where(leased(task))
    .returning({ id: tasks.id });
  return updated.length === 1;
}

/** Exponential backoff with ±20 % jitter, capped at 15 minutes. */
export function retryDelaySeconds(env: Env, attempts: number, random = Math.random()): number {
  const base = getConfig(env).TASK_RETRY_BASE_SECONDS;
  const raw = base * 2 ** Math.max(0, attempts - 1);
  const jittered = raw * (0.8 + 0.4 * random);
  return Math.min(900, Math.max(base > 0 ? 1 : 0, Math.round(jittered)));
}

/**
 * Record a failed run: back to the queue after a backoff while attempts remain and the error is
 * retryable, otherwise dead. Returns the new status, or undefined when the lease was lost.
 */
export async function failTask(
  env: Env,
  task: Pick<TaskRow, "id" | "leaseToken" | "attempts" | "maxRetries">,
  error: TaskError,
  now = Date.now(),
): Promise<TaskStatus | undefined> {
  const db = getDb(env);
  const canRetry = error.retryable && task.attempts <= task.maxRetries;
  const common = {
    errorCode: error.code,
    errorMessage: error.message.slice(0, 2000),
    leaseToken: null,
    leaseUntil: null,
    updatedAt: new Date(now),
  };
  if (canRetry) {
    const delay = retryDelaySeconds(env, task.attempts);
    const updated = await db
      .update(tasks)
      .set({ ...common, status: "queued", runAfter: new Date(now + delay * 1000) })
      .where(leased(task))
      .returning({ id: tasks.id });
    if (updated.length !== 1) return undefined;
    await wake(env, { taskId: task.id, reason: "retry" }, delay);
    return "queued";
  }
  const updated = await db
    .update(tasks)
    .set({ ...common, status: "dead", finishedAt: new Date(now) })
    .where(leased(task))
    .returning({ id: tasks.id });
  return updated.length === 1 ? "dead" : undefined;
}

/**
 * Cron's recovery pass. Running tasks whose lease lapsed count as a failed attempt (requeued, or dead
 * when out of attempts); queued tasks that are ready but have sat untouched for a while are woken again
 * (a wake-up message may have been lost). Safe to run concurrently and repeatedly.
 */
export async function recoverStalledTasks(env: Env, now = Date.now()): Promise<{ requeued: number; dead: number; rewoken: number }> {
  const db = getDb(env);
  const lapsed = and(eq(tasks.status, "running"), lt(tasks.leaseUntil, new Date(now)));
  const dead = await db
    .update(tasks)
    .set({
      status: "dead",
      errorCode: "lease.expired",
      errorMessage: "the runner stopped reporting and no attempts remain",
      leaseToken: null,
      leaseUntil: null,
      updatedAt: new Date(now),
      finishedAt: new Date(now),
    })
    .where(and(lapsed, sql`${tasks.attempts} > ${tasks.maxRetries}`))
    .returning({ id: tasks.id });
  const requeued = await db
    .update(tasks)
    .set({
      status: "queued",
      errorCode: "lease.expired",
      errorMessage: "the runner stopped reporting; requeued",
      leaseToken: null,
      leaseUntil: null,
      runAfter: new Date(now),
      updatedAt: new Date(now),
    })
    .where(lapsed)
    .returning({ id: tasks.id });

  const staleBefore = new Date(now - 60_000);
  const idle = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, "queued"), lte(tasks.runAfter, new Date(now)), lt(tasks.updatedAt, staleBefore)))
    .limit(100);
  const toWake = [...requeued.map((r) => r.id), ...idle.map((r) => r.id)];
  if (toWake.length > 0) {
    await env.TASKS.sendBatch(toWake.map((taskId) => ({ body: { taskId, reason: "recovered" } satisfies TaskWakeMessage })));
  }
  return { requeued: requeued.length, dead: dead.length, rewoken: idle.length };
}

/**
 * Wait until a task reaches a terminal state or the timeout passes; for endpoints whose documented contract
 * is synchronous. Polls D1 with a growing interval (cheap reads; no extra moving part to keep consistent).
 */
export async function waitForTask(
  env: Env,
  id: string,
  timeoutMs: number,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ task: TaskRow; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let interval = 100;
  for (;;) {
    const task = await getTask(env, id);
    if (!task) throw new Error(`task ${id} disappeared`);
    if (TERMINAL_STATUSES.includes(task.status)) return { task, timedOut: false };
    const left = deadline - Date.now();
    if (left <= 0) return { task, timedOut: true };
    await sleep(Math.min(interval, left));
    interval = Math.min(1000, Math.round(interval * 1.5));
  }
}

/** A succeeded task whose outputs are gone: the next identical submission runs it again. */
export async function expireTask(env: Env, id: string, now = Date.now()): Promise<void> {
  await getDb(env)
    .update(tasks)
    .set({ status: "expired", updatedAt: new Date(now) })
    .where(and(eq(tasks.id, id), eq(tasks.status, "succeeded")));
}

/** Tasks in a given state, newest first: the dead-letter view of the operations API. */
export async function listTasks(env: Env, filter: { status?: TaskStatus; kinds?: string[]; limit: number; offset: number }) {
  const db = getDb(env);
  const conditions = [
    filter.status ? eq(tasks.status, filter.status) : undefined,
    filter.kinds && filter.kinds.length > 0 ? inArray(tasks.kind, filter.kinds) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select()
    .from(tasks)
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(desc(tasks.updatedAt))
    .limit(filter.limit)
    .offset(filter.offset);
}
