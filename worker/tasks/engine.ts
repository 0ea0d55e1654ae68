/**
 * The task engine: one D1 table, claimed atomically, woken by queue messages.
 *
 * Guarantees, and how they are kept:
 * - One task per idempotency key: a UNIQUE index and INSERT … ON CONFLICT DO NOTHING, so concurrent
 *   identical submissions converge on one row; a higher-priority submission raises a queued task's priority.
 * - One runner at a time: claiming is a single UPDATE … WHERE id = (SELECT … LIMIT 1) AND status='queued',
 *   atomic in SQLite; the runner holds a lease token and every later write checks it, so a runner whose
 *   lease lapsed cannot overwrite the result of the runner that took over.
 * - Messages are only wake-ups: a redelivered or duplicate message finds nothing to claim and is acked.
 * - Retries with exponential backoff; when attempts run out the task is `dead` with its error kept.
 * - A runner that vanished (Worker evicted, transcoder killed with the connection) leaves a lease that
 *   expires; cron requeues it (`recoverStalledTasks`).
 * - A child's terminal transition and its parent's counters commit in one D1 batch (see settle.ts).
 * - Every change is published to the task's channels (events.ts); waiters subscribe instead of polling.
 */
import { and, asc, desc, eq, inArray, lt, lte, sql } from "drizzle-orm";
import { getDb } from "../db/client";
import { tasks, type TaskRow, type TaskStatus } from "../db/schema";
import { getConfig } from "../env";
import { newId } from "../lib/ids";
import { clampPriority, retryChild } from "./children";
import type { TaskError } from "./errors";
import { taskChannelStub, TERMINAL_STATUSES, watchTask } from "./events";
import { announceTransitions } from "./transitions";
import { afterSettle, settleStatements } from "./settle";
import { wake, wakeMany } from "./wake";
import type { SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";

export type { TaskWakeMessage } from "./wake";
export { TERMINAL_STATUSES, watchTask } from "./events";
export { cancelTask } from "./cancel";

type TaskUpdate = SQLiteUpdateSetSource<typeof tasks>;
/** What a runner holds; `parentId` (when known to be null) spares the parent bookkeeping. */
type LeasedTask = Pick<TaskRow, "id" | "leaseToken"> & Partial<Pick<TaskRow, "parentId">>;

export interface SubmitTaskInput {
  /** The new task's id, when the caller keys a record of its own by it before submitting (default: a fresh id). */
  id?: string;
  kind: string;
  payload: unknown;
  /** 1 (lowest) … 10 (highest). */
  priority?: number;
  idempotencyKey?: string;
  maxRetries?: number;
  /** The submitting face (recorded, never used for access or listings). */
  face?: string;
  ownerUserId?: number | null;
  /** A JobProgress channel that hears this task's events (added whether the task is new or joined). */
  watch?: string;
}

export interface SubmitTaskOutcome {
  task: TaskRow;
  /** A new row was inserted by this call. */
  created: boolean;
  /** An existing dead, expired or cancelled task was put back in the queue by this call. */
  reopened: boolean;
}

const REOPENABLE: readonly TaskStatus[] = ["dead", "expired", "cancelled"];
/** How long `waitForTask` trusts the event channel before re-reading D1 (a publish may have been lost). */
const WAIT_SLICE_MS = 3000;

const isTerminal = (status: TaskStatus) => TERMINAL_STATUSES.includes(status);

export async function submitTask(env: Env, input: SubmitTaskInput, now = Date.now()): Promise<SubmitTaskOutcome> {
  const outcome = await submitOrJoin(env, input, now);
  if (input.watch) await watchTask(env, outcome.task.id, input.watch);
  return outcome;
}

async function submitOrJoin(env: Env, input: SubmitTaskInput, now: number): Promise<SubmitTaskOutcome> {
  const db = getDb(env);
  const config = getConfig(env);
  const row = {
    id: input.id ?? newId(),
    kind: input.kind,
    face: input.face ?? null,
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
  if (REOPENABLE.includes(existing.status)) {
    const reopened = await reopenTask(env, existing, input.payload, now);
    if (reopened) return { task: reopened, created: false, reopened: true };
    const current = await getTask(env, existing.id);
    return { task: current ?? existing, created: false, reopened: false };
  }
  if (existing.status === "queued" && row.priority > existing.priority) {
    // Only upwards, and only while queued: the claim order is all that priority changes.
    const [raised] = await db
      .update(tasks)
      .set({ priority: sql`max(${tasks.priority}, ${row.priority})` })
      .where(and(eq(tasks.id, existing.id), eq(tasks.status, "queued")))
      .returning();
    if (raised) return { task: raised, created: false, reopened: false };
  }
  return { task: existing, created: false, reopened: false };
}

/**
 * Put a finished-without-output task back in the queue. Compare-and-set on (status, updated_at): of two
 * concurrent resubmissions only one reopens, the other sees the reopened row.
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
      steps: null,
      errorCode: null,
      errorMessage: null,
      cancelRequested: false,
      payload,
      runAfter: new Date(now),
      updatedAt: new Date(now),
      finishedAt: null,
    })
    .where(and(eq(tasks.id, task.id), eq(tasks.status, task.status), eq(tasks.updatedAt, task.updatedAt)))
    .returning();
  if (row) {
    await wake(env, { taskId: row.id, reason: "reopened" });
    // Replaces the channel's final state of the earlier run, which waiters would otherwise take as the end.
    await announceTransitions(env, [row]);
  }
  return row;
}

/**
 * An operator's retry of a dead task: the same reopen a resubmission does (a child goes through
 * retryChild, so its parent's counters and finished state are put back). `not_dead` for any other status,
 * and for a retry that lost the compare-and-set to a concurrent one.
 */
export async function retryDeadTask(env: Env, id: string, now = Date.now()): Promise<TaskRow | "not_found" | "not_dead"> {
  const task = await getTask(env, id);
  if (!task) return "not_found";
  if (task.status !== "dead") return "not_dead";
  const reopened = task.parentId ? await retryChild(env, task.id, now) : await reopenTask(env, task, task.payload, now);
  return reopened ?? "not_dead";
}

export async function getTask(env: Env, id: string): Promise<TaskRow | undefined> {
  return getDb(env).select().from(tasks).where(eq(tasks.id, id)).get();
}

/** The update that takes a queued row into a run: one attempt more, a fresh lease. */
const leaseFor = (env: Env, now: number) => ({
  status: "running" as const,
  attempts: sql`${tasks.attempts} + 1`,
  leaseToken: newId(),
  leaseUntil: new Date(now + getConfig(env).TASK_LEASE_SECONDS * 1000),
  updatedAt: new Date(now),
});

/** Claim the highest-priority ready task, or nothing. Atomic: two consumers never claim the same row. */
export async function claimNextTask(env: Env, now = Date.now()): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const next = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, "queued"), lte(tasks.runAfter, new Date(now))))
    .orderBy(desc(tasks.priority), asc(tasks.runAfter), asc(tasks.createdAt))
    .limit(1);
  const [claimed] = await db
    .update(tasks)
    .set(leaseFor(env, now))
    .where(and(eq(tasks.id, sql`(${next})`), eq(tasks.status, "queued")))
    .returning();
  if (claimed) await announceTransitions(env, [claimed]);
  return claimed;
}

/**
 * Claim one queued task by id, whatever its priority and even while it waits out a retry backoff: for a
 * run that needs that task's result now and would otherwise hold its consumer waiting for another one
 * (the studio's process claims its post's queued fetch). Atomic like claimNextTask.
 */
export async function claimTask(env: Env, id: string, now = Date.now()): Promise<TaskRow | undefined> {
  const [claimed] = await getDb(env)
    .update(tasks)
    .set(leaseFor(env, now))
    .where(and(eq(tasks.id, id), eq(tasks.status, "queued")))
    .returning();
  if (claimed) await announceTransitions(env, [claimed]);
  return claimed;
}

const leased = (task: Pick<TaskRow, "id" | "leaseToken">) =>
  and(eq(tasks.id, task.id), eq(tasks.status, "running"), eq(tasks.leaseToken, task.leaseToken ?? ""));

/**
 * Whether the run holding `leaseToken` is still the task's live run and not asked to stop: what a late
 * write on the run's behalf (an upload that lands after the runner was cancelled or lost its lease) checks
 * before it is kept.
 */
export async function runIsLive(env: Env, run: { taskId: string; leaseToken: string }): Promise<boolean> {
  const row = await getDb(env)
    .select({ cancelRequested: tasks.cancelRequested })
    .from(tasks)
    .where(leased({ id: run.taskId, leaseToken: run.leaseToken }))
    .get();
  return row !== undefined && !row.cancelRequested;
}

export interface LeaseState {
  /** The lease is still this runner's (and was extended). */
  held: boolean;
  /** cancelTask asked this run to stop. */
  cancelRequested: boolean;
}

/** Record progress and extend the lease; tells the runner whether to go on. */
export async function renewLease(
  env: Env,
  task: Pick<TaskRow, "id" | "leaseToken">,
  progress: number,
  stage: string | undefined,
  now = Date.now(),
): Promise<LeaseState> {
  const leaseMs = getConfig(env).TASK_LEASE_SECONDS * 1000;
  const [row] = await getDb(env)
    .update(tasks)
    .set({
      progress: Math.max(0, Math.min(99, Math.floor(progress))),
      stage: stage ?? null,
      leaseUntil: new Date(now + leaseMs),
      updatedAt: new Date(now),
    })
    .where(leased(task))
    .returning();
  if (!row) return { held: false, cancelRequested: false };
  await announceTransitions(env, [row]);
  return { held: true, cancelRequested: row.cancelRequested };
}

/** Keep one step's result on the row (json_set: other steps stay). False when the lease was lost. */
export async function saveStep(env: Env, task: Pick<TaskRow, "id" | "leaseToken">, name: string, result: unknown, now = Date.now()): Promise<boolean> {
  const updated = await getDb(env)
    .update(tasks)
    .set({
      steps: sql`json_set(coalesce(${tasks.steps}, '{}'), ${`$."${name.replaceAll('"', "")}"`}, json(${JSON.stringify(result ?? null)}))`,
      updatedAt: new Date(now),
    })
    .where(leased(task))
    .returning({ id: tasks.id });
  return updated.length === 1;
}

/**
 * End a leased run with `set`, unless cancellation was requested (then it ends `cancelled`). For a child,
 * the parent's counters are updated in the same batch. Returns the row as written, or undefined when the
 * lease was lost.
 */
async function endRun(env: Env, task: LeasedTask, set: TaskUpdate, now: number): Promise<TaskRow | undefined> {
  const db = getDb(env);
  const common = { leaseToken: null, leaseUntil: null, updatedAt: new Date(now) };
  const move = db
    .update(tasks)
    .set({ ...set, ...common })
    .where(and(leased(task), eq(tasks.cancelRequested, false)))
    .returning();
  const cancel = db
    .update(tasks)
    .set({ ...common, status: "cancelled", errorCode: "task.cancelled", errorMessage: "cancelled", finishedAt: new Date(now) })
    .where(and(leased(task), eq(tasks.cancelRequested, true)))
    .returning();
  let rows: TaskRow[];
  if (task.parentId === null) {
    const [moved, cancelled] = await db.batch([move, cancel]);
    rows = [...moved, ...cancelled];
  } else {
    const [moved, cancelled, parents, counted, woken] = await db.batch([move, cancel, ...settleStatements(db, { childId: task.id }, now)]);
    rows = [...moved, ...cancelled];
    await announceTransitions(env, rows);
    await afterSettle(env, { parents, counted, woken });
    return rows[0];
  }
  await announceTransitions(env, rows);
  return rows[0];
}

/** Mark a run successful; "cancelled" when cancellation was requested meanwhile, undefined when the lease was lost. */
export async function completeRun(env: Env, task: LeasedTask, result: unknown, now = Date.now()): Promise<"succeeded" | "cancelled" | undefined> {
  const row = await endRun(
    env,
    task,
    { status: "succeeded", result: result ?? null, progress: 100, stage: "done", errorCode: null, errorMessage: null, finishedAt: new Date(now) },
    now,
  );
  return row?.status === "succeeded" || row?.status === "cancelled" ? row.status : undefined;
}

/** Mark a run successful. False when the lease was lost (the result is then discarded) or the task was cancelled. */
export async function completeTask(env: Env, task: LeasedTask, result: unknown, now = Date.now()): Promise<boolean> {
  return (await completeRun(env, task, result, now)) === "succeeded";
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
 * retryable, otherwise dead; cancelled when cancellation was requested. Returns the new status, or
 * undefined when the lease was lost.
 */
export async function failTask(
  env: Env,
  task: LeasedTask & Pick<TaskRow, "attempts" | "maxRetries">,
  error: TaskError,
  now = Date.now(),
): Promise<TaskStatus | undefined> {
  const canRetry = error.retryable && task.attempts <= task.maxRetries;
  const failure = { errorCode: error.code, errorMessage: error.message.slice(0, 2000) };
  if (canRetry) {
    const delay = retryDelaySeconds(env, task.attempts);
    const row = await endRun(env, task, { ...failure, status: "queued", runAfter: new Date(now + delay * 1000) }, now);
    if (row?.status === "queued") await wake(env, { taskId: task.id, reason: "retry" }, delay);
    return row?.status;
  }
  const row = await endRun(env, task, { ...failure, status: "dead", finishedAt: new Date(now) }, now);
  return row?.status;
}

/**
 * End a run that spawned children: the task waits for them, or is queued again at once when they have
 * all settled already (a child may finish before its parent's run ends). Attempts restart: they count
 * failures of one phase of the task, and waiting is not a failure.
 */
export async function waitForChildrenOf(env: Env, task: LeasedTask, now = Date.now()): Promise<TaskStatus | undefined> {
  const settled = sql`(${tasks.childrenSucceeded} + ${tasks.childrenFailed} + ${tasks.childrenCancelled})`;
  const row = await endRun(
    env,
    task,
    {
      status: sql`CASE WHEN ${settled} >= ${tasks.childrenTotal} THEN 'queued' ELSE 'waiting' END`,
      attempts: 0,
      errorCode: null,
      errorMessage: null,
      runAfter: new Date(now),
    },
    now,
  );
  if (row?.status === "queued") await wake(env, { taskId: row.id, reason: "children" });
  return row?.status;
}

/**
 * Cron's recovery pass. Running tasks whose lease lapsed count as a failed attempt (requeued, dead when
 * out of attempts, cancelled when cancellation was requested); children among them are counted into
 * their parents in the same batch; queued tasks that are ready but have sat untouched for a while are
 * woken again (a wake-up message may have been lost). Safe to run concurrently and repeatedly.
 */
export async function recoverStalledTasks(env: Env, now = Date.now()) {
  const db = getDb(env);
  const lapsed = and(eq(tasks.status, "running"), lt(tasks.leaseUntil, new Date(now)));
  const released = { leaseToken: null, leaseUntil: null, updatedAt: new Date(now) };
  const [cancelled, dead, requeued, parents, counted, woken] = await db.batch([
    db
      .update(tasks)
      .set({ ...released, status: "cancelled", errorCode: "task.cancelled", errorMessage: "cancelled", finishedAt: new Date(now) })
      .where(and(lapsed, eq(tasks.cancelRequested, true)))
      .returning(),
    db
      .update(tasks)
      .set({
        ...released,
        status: "dead",
        errorCode: "lease.expired",
        errorMessage: "the runner stopped reporting and no attempts remain",
        finishedAt: new Date(now),
      })
      .where(and(lapsed, sql`${tasks.attempts} > ${tasks.maxRetries}`))
      .returning(),
    db
      .update(tasks)
      .set({ ...released, status: "queued", errorCode: "lease.expired", errorMessage: "the runner stopped reporting; requeued", runAfter: new Date(now) })
      .where(lapsed)
      .returning(),
    ...settleStatements(db, { all: true }, now),
  ]);

  const staleBefore = new Date(now - 60_000);
  const idle = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, "queued"), lte(tasks.runAfter, new Date(now)), lt(tasks.updatedAt, staleBefore)))
    .limit(100);
  await wakeMany(env, [...new Set([...requeued.map((r) => r.id), ...idle.map((r) => r.id)])], "recovered");
  await announceTransitions(env, [...cancelled, ...dead, ...requeued]);
  await afterSettle(env, { parents, counted, woken });
  return { requeued: requeued.length, dead: dead.length, cancelled: cancelled.length, rewoken: idle.length, parentsWoken: woken.length };
}

/**
 * Wait until a task reaches a terminal state or the timeout passes; for endpoints whose documented contract
 * is synchronous. Reads the row, then awaits the final event on the task's channel in slices of at most
 * `sliceMs`, re-reading D1 after each (the row is the truth; a publish can be lost).
 */
export async function waitForTask(
  env: Env,
  id: string,
  timeoutMs: number,
  opts: {
    sliceMs?: number;
    /** Also stop at a non-terminal state the caller can answer from (woken by every event, not just the final one). */
    until?: (task: TaskRow) => boolean;
  } = {},
): Promise<{ task: TaskRow; timedOut: boolean }> {
  const sliceMs = opts.sliceMs ?? WAIT_SLICE_MS;
  const settled = (t: TaskRow) => isTerminal(t.status) || (opts.until?.(t) ?? false);
  const deadline = Date.now() + timeoutMs;
  const channel = taskChannelStub(env, id);
  const read = async () => {
    const task = await getTask(env, id);
    if (!task) throw new Error(`task ${id} disappeared`);
    return task;
  };
  let task = await read();
  while (!settled(task)) {
    const left = deadline - Date.now();
    if (left <= 0) return { task, timedOut: true };
    const started = Date.now();
    let heard = false;
    try {
      const slice = Math.min(sliceMs, left);
      heard = (await (opts.until ? channel.waitForNext(slice) : channel.waitForFinal(slice))) !== null;
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", event: "task.wait_channel_failed", taskId: id, error: String(err) }));
    }
    task = await read();
    // A final event that D1 contradicts (an earlier run's, before a lost reopen publish) returns at once:
    // pace the loop instead of spinning on it.
    if ((heard || Date.now() - started < 50) && !settled(task)) {
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  }
  return { task, timedOut: false };
}

/** A succeeded task whose outputs are gone: the next identical submission runs it again. */
export async function expireTask(env: Env, id: string, now = Date.now()): Promise<void> {
  const rows = await getDb(env)
    .update(tasks)
    .set({ status: "expired", updatedAt: new Date(now) })
    .where(and(eq(tasks.id, id), eq(tasks.status, "succeeded")))
    .returning();
  await announceTransitions(env, rows);
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

