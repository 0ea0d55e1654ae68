/**
 * Seed 003's priority queue on the platform task engine. A queue job is one `studio.process` task (no
 * idempotency key: every add is a new job) plus a studio_queue_jobs row with the same id that says it was
 * added through the queue and whose it is. The task row is the truth for status, attempts, error and result.
 *
 * Task status → job status (the document's four):
 * - queued (new, or waiting out a retry's backoff)        → pending
 * - running, waiting (a run holds it, or its children do) → processing
 * - succeeded                                             → completed
 * - dead, cancelled, expired                              → failed
 *
 * Jobs are per account: a caller sees, counts and reads only jobs added with the same identity
 * (anonymous and the shared STUDIO_API_TOKEN are one identity, null). No HTTP here.
 */
import { resolveTikTokPost } from "../../../media/tiktok-post";
import { and, count, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "../../../db/client";
import { studioQueueJobs, tasks, type StudioQueueJobRow, type TaskRow, type TaskStatus } from "../../../db/schema";
import { AppError } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import type { StudioCaller } from "../files";
import { submitProcess } from "../script/process-task";

export const JOB_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TASK_STATUSES_OF: Record<JobStatus, readonly TaskStatus[]> = {
  pending: ["queued"],
  processing: ["running", "waiting"],
  completed: ["succeeded"],
  failed: ["dead", "cancelled", "expired"],
};

export function jobStatusOf(status: TaskStatus): JobStatus {
  for (const job of JOB_STATUSES) if (TASK_STATUSES_OF[job].includes(status)) return job;
  throw new Error(`task status ${status} has no job status`);
}

export interface QueueJob {
  job_id: string;
  url: string;
  priority: number;
  status: JobStatus;
  attempts: number;
  max_retries: number;
  created_at: string;
  finished_at?: string;
  error?: string;
  result?: unknown;
}

type JobWithTask = { job: StudioQueueJobRow; task: Pick<TaskRow, "status" | "attempts" | "finishedAt" | "errorMessage" | "result"> };

function toQueueJob({ job, task }: JobWithTask): QueueJob {
  const status = jobStatusOf(task.status);
  return {
    job_id: job.id,
    url: job.url,
    priority: job.priority,
    status,
    attempts: task.attempts,
    max_retries: job.maxRetries,
    created_at: job.createdAt.toISOString(),
    ...(task.finishedAt && status !== "pending" && status !== "processing" ? { finished_at: task.finishedAt.toISOString() } : {}),
    // A pending job that failed an attempt shows why it is being retried.
    ...(task.errorMessage && status !== "completed" ? { error: task.errorMessage } : {}),
    ...(status === "completed" ? { result: task.result ?? null } : {}),
  };
}

const ownedBy = (caller: StudioCaller): SQL => (caller === null ? isNull(studioQueueJobs.ownerUserId) : eq(studioQueueJobs.ownerUserId, caller));

const jobColumns = {
  job: studioQueueJobs,
  task: {
    status: tasks.status,
    attempts: tasks.attempts,
    finishedAt: tasks.finishedAt,
    errorMessage: tasks.errorMessage,
    result: tasks.result,
  },
};

export interface AddJobInput {
  url: string;
  priority: number;
  maxRetries: number;
  caller: StudioCaller;
}

/**
 * The row is written first, with the id the task will get, then the task: a crash between the two leaves
 * a row without a task, which every read drops (they join tasks) and the client, who got no 201, adds
 * again. The other order could leave a task running that no listing shows.
 */
export async function addJob(env: Env, input: AddJobInput): Promise<QueueJob> {
  const url = input.url.trim();
  await resolveTikTokPost(env, url);

  const db = getDb(env);
  const id = newId();
  const [job] = await db
    .insert(studioQueueJobs)
    .values({ id, url, priority: input.priority, maxRetries: input.maxRetries, ownerUserId: input.caller })
    .returning();
  let submitted;
  try {
    submitted = await submitProcess(env, { id, url, caller: input.caller, priority: input.priority, maxRetries: input.maxRetries });
  } catch (err) {
    // Best effort: a row left behind is invisible anyway.
    await db.delete(studioQueueJobs).where(eq(studioQueueJobs.id, id)).catch(() => undefined);
    throw err;
  }
  return toQueueJob({ job: job!, task: submitted.task });
}

export async function getJob(env: Env, id: string, caller: StudioCaller): Promise<QueueJob> {
  const row = await getDb(env)
    .select(jobColumns)
    .from(studioQueueJobs)
    .innerJoin(tasks, eq(tasks.id, studioQueueJobs.id))
    .where(and(eq(studioQueueJobs.id, id), ownedBy(caller)))
    .get();
  if (!row) throw new AppError(404, "Job not found", "queue.job_not_found");
  return toQueueJob(row);
}

export interface ListJobsInput {
  status?: JobStatus;
  limit: number;
  offset: number;
  caller: StudioCaller;
}

/** Newest first (created_at, then id), walking studio_queue_jobs_created_idx; each job's task by primary key. */
export function listJobsQuery(env: Env, input: ListJobsInput) {
  return getDb(env)
    .select(jobColumns)
    .from(studioQueueJobs)
    .innerJoin(tasks, eq(tasks.id, studioQueueJobs.id))
    // The unary `+` keeps SQLite from driving the query from tasks' status indexes, which hold every kind's
    // tasks in that state and would need a sort; walking the queue's own rows newest first stops at the page.
    .where(and(ownedBy(input.caller), input.status ? inArray(sql`+${tasks.status}`, [...TASK_STATUSES_OF[input.status]]) : undefined))
    .orderBy(desc(studioQueueJobs.createdAt), desc(studioQueueJobs.id))
    .limit(input.limit)
    .offset(input.offset);
}

/** The caller's jobs counted by task status, in one pass over their queue rows. */
export function countJobsQuery(env: Env, caller: StudioCaller) {
  return getDb(env)
    .select({ status: tasks.status, jobs: count() })
    .from(studioQueueJobs)
    .innerJoin(tasks, eq(tasks.id, studioQueueJobs.id))
    .where(ownedBy(caller))
    // `+`: group the queue's rows as they are read, rather than scanning every task in status order.
    .groupBy(sql`+${tasks.status}`);
}

export type QueueCounts = Record<JobStatus, number> & { total: number };

export async function queueCounts(env: Env, caller: StudioCaller): Promise<QueueCounts> {
  const counts: QueueCounts = { pending: 0, processing: 0, completed: 0, failed: 0, total: 0 };
  for (const row of await countJobsQuery(env, caller)) {
    counts[jobStatusOf(row.status)] += row.jobs;
    counts.total += row.jobs;
  }
  return counts;
}

export async function listJobs(env: Env, input: ListJobsInput): Promise<{ jobs: QueueJob[]; total: number }> {
  // The page and the counts come from one D1 batch, so `total` describes the same moment as `jobs`.
  const [rows, counted] = await getDb(env).batch([listJobsQuery(env, input), countJobsQuery(env, input.caller)]);
  let total = 0;
  for (const row of counted) if (!input.status || jobStatusOf(row.status) === input.status) total += row.jobs;
  return { jobs: rows.map(toQueueJob), total };
}
