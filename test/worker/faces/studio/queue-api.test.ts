/**
 * The queue API's contract: defaults and validation in the document's error shape, the status mapping
 * from task states (stats exact, list filters, pages), per-account visibility, 404s, and that its reads
 * walk indexes. Tasks are moved through their states by the real engine on the held queue (no consumer).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { studioQueueJobs, tasks } from "../../../../worker/db/schema";
import { countJobsQuery, listJobsQuery } from "../../../../worker/faces/studio/queue/jobs";
import { claimNextTask, completeTask, failTask } from "../../../../worker/tasks/engine";
import { TaskError } from "../../../../worker/tasks/errors";
import { createUser } from "../../support/users";
import { addJob, api, clearQueue, heldEnv, tiktokUrl } from "./queue-support";

interface JobBody {
  success: true;
  job_id: string;
  url: string;
  priority: number;
  status: string;
  attempts: number;
  max_retries: number;
  created_at: string;
  finished_at?: string;
  error?: string;
  result?: unknown;
}
interface ListBody {
  success: true;
  jobs: JobBody[];
  total: number;
}
const json = async <T>(res: Response | Promise<Response>) => (await (await res).json()) as T;

async function added(body: unknown, headers: Record<string, string> = {}): Promise<JobBody> {
  const res = await addJob(body, headers);
  expect(res.status, JSON.stringify(body)).toBe(201);
  return json<JobBody>(res);
}

beforeEach(() => clearQueue());

describe("POST /api/v1/queue/jobs", () => {
  it("should queue a studio.process task under the job's id with the document's defaults", async () => {
    const job = await added({ url: tiktokUrl(1) });
    expect(job).toMatchObject({ success: true, url: tiktokUrl(1), priority: 5, max_retries: 3, status: "pending", attempts: 0 });
    const task = await getDb(env).select().from(tasks).where(eq(tasks.id, job.job_id)).get();
    expect(task).toMatchObject({ kind: "studio.process", priority: 5, maxRetries: 3, status: "queued", idempotencyKey: null, payload: { url: tiktokUrl(1) } });

    const urgent = await added({ url: tiktokUrl(1), priority: 10, max_retries: 0 });
    expect(urgent.job_id).not.toBe(job.job_id);
    expect(await getDb(env).select({ priority: tasks.priority, maxRetries: tasks.maxRetries }).from(tasks).where(eq(tasks.id, urgent.job_id)).get()).toEqual({ priority: 10, maxRetries: 0 });
  });

  it("should refuse bad bodies with 400 {success: false, error}", async () => {
    const bad: unknown[] = [
      {},
      { url: "" },
      { url: "https://example.com/video.mp4" },
      { url: tiktokUrl(2), priority: 0 },
      { url: tiktokUrl(2), priority: 11 },
      { url: tiktokUrl(2), priority: 5.5 },
      { url: tiktokUrl(2), priority: "8" },
      { url: tiktokUrl(2), max_retries: -1 },
      { url: tiktokUrl(2), max_retries: 11 },
      "{not json",
    ];
    for (const body of bad) {
      const res = await addJob(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = await json<{ success: boolean; error: string }>(res);
      expect(err.success, JSON.stringify(body)).toBe(false);
      expect(err.error.length).toBeGreaterThan(0);
    }
    expect(await getDb(env).select().from(studioQueueJobs)).toEqual([]);
    expect(await getDb(env).select().from(tasks)).toEqual([]);
  });
});

describe("queue statuses, stats and listings", () => {
  it("should map task states to the four job statuses, count them exactly and filter by them", async () => {
    const jobs: JobBody[] = [];
    for (const [i, priority] of [9, 8, 7, 6, 5].entries()) jobs.push(await added({ url: tiktokUrl(10 + i), priority }));
    const other = await createUser(env);
    const foreign = await added({ url: tiktokUrl(20), priority: 1 }, other.auth);

    const running = (await claimNextTask(heldEnv))!;
    const succeeded = (await claimNextTask(heldEnv))!;
    expect(await completeTask(heldEnv, succeeded, { edit: { output_path: "/api/v1/video/x.mp4" } })).toBe(true);
    const failed = (await claimNextTask(heldEnv))!;
    expect(await failTask(heldEnv, failed, new TaskError("source.unavailable", "the post was deleted", false))).toBe("dead");
    expect([running.id, succeeded.id, failed.id]).toEqual(jobs.slice(0, 3).map((j) => j.job_id));

    expect(await json(api("/api/v1/queue/stats"))).toEqual({ success: true, pending: 2, processing: 1, completed: 1, failed: 1, total: 5 });
    expect(await json(api("/api/v1/queue/stats", { headers: other.auth }))).toEqual({ success: true, pending: 1, processing: 0, completed: 0, failed: 0, total: 1 });

    const all = await json<ListBody>(api("/api/v1/queue/jobs"));
    expect(all.total).toBe(5);
    expect(new Set(all.jobs.map((j) => j.job_id))).toEqual(new Set(jobs.map((j) => j.job_id)));
    const created = all.jobs.map((j) => j.created_at);
    expect(created).toEqual([...created].sort().reverse());

    const byStatus = async (status: string) => json<ListBody>(api(`/api/v1/queue/jobs?status=${status}`));
    const pending = await byStatus("pending");
    expect(pending.total).toBe(2);
    expect(new Set(pending.jobs.map((j) => j.job_id))).toEqual(new Set([jobs[3]!.job_id, jobs[4]!.job_id]));
    expect(await byStatus("processing")).toMatchObject({ total: 1, jobs: [{ job_id: running.id, status: "processing", attempts: 1 }] });
    const completed = await byStatus("completed");
    expect(completed).toMatchObject({ total: 1, jobs: [{ job_id: succeeded.id, status: "completed", result: { edit: { output_path: "/api/v1/video/x.mp4" } } }] });
    expect(completed.jobs[0]!.finished_at).toBeTruthy();
    expect(await byStatus("failed")).toMatchObject({ total: 1, jobs: [{ job_id: failed.id, status: "failed", attempts: 1, error: "the post was deleted" }] });

    const page = await json<ListBody>(api("/api/v1/queue/jobs?limit=2&offset=1"));
    expect(page.total).toBe(5);
    expect(page.jobs.map((j) => j.job_id)).toEqual(all.jobs.slice(1, 3).map((j) => j.job_id));

    // Accounts see their own jobs only.
    expect(await json<ListBody>(api("/api/v1/queue/jobs", { headers: other.auth }))).toMatchObject({ total: 1, jobs: [{ job_id: foreign.job_id }] });
    expect((await api(`/api/v1/queue/jobs/${foreign.job_id}`)).status).toBe(404);
    expect(await json(api(`/api/v1/queue/jobs/${foreign.job_id}`, { headers: other.auth }))).toMatchObject({ success: true, job_id: foreign.job_id, status: "pending" });
  });

  it("should answer 404 in the face's shape for an unknown job, and ignore a row whose task was never submitted", async () => {
    const res = await api("/api/v1/queue/jobs/no-such-job");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "Job not found" });

    // What a crash between the row and the submit leaves behind.
    const id = crypto.randomUUID();
    await getDb(env).insert(studioQueueJobs).values({ id, url: tiktokUrl(30), priority: 5, maxRetries: 3, ownerUserId: null });
    expect((await api(`/api/v1/queue/jobs/${id}`)).status).toBe(404);
    expect(await json(api("/api/v1/queue/jobs"))).toEqual({ success: true, jobs: [], total: 0 });
    expect(await json(api("/api/v1/queue/stats"))).toEqual({ success: true, pending: 0, processing: 0, completed: 0, failed: 0, total: 0 });
  });

  it("should refuse unknown statuses and out-of-range pages with 400", async () => {
    for (const query of ["status=queued", "status=", "limit=0", "limit=101", "offset=-1", "limit=abc"]) {
      const res = await api(`/api/v1/queue/jobs?${query}`);
      expect(res.status, query).toBe(400);
      expect(await json<{ success: boolean }>(res), query).toMatchObject({ success: false });
    }
  });
});

describe("queue reads", () => {
  it("should walk the jobs' created index and reach tasks by primary key only", async () => {
    const plans: Record<string, string[]> = {};
    const queries = {
      list: listJobsQuery(env, { limit: 20, offset: 0, caller: null }).toSQL(),
      listByStatus: listJobsQuery(env, { status: "failed", limit: 20, offset: 0, caller: 7 }).toSQL(),
      count: countJobsQuery(env, null).toSQL(),
    };
    for (const [name, q] of Object.entries(queries)) {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
        .bind(...q.params)
        .all<{ detail: string }>();
      plans[name] = results.map((r) => r.detail);
    }
    for (const [name, details] of Object.entries(plans)) {
      const text = details.join(" | ");
      expect(text, name).not.toMatch(/SCAN "?tasks"?\b/);
      expect(text, name).toMatch(/SEARCH "?tasks"? USING INDEX sqlite_autoindex_tasks_1 \(id=\?\)/);
    }
    expect(plans.list!.join(" | ")).toMatch(/studio_queue_jobs_created_idx/);
    expect(plans.list!.join(" | ")).not.toMatch(/TEMP B-TREE/);
    expect(plans.listByStatus!.join(" | ")).not.toMatch(/TEMP B-TREE/);
  });
});
