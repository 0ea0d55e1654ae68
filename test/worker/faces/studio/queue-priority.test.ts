/**
 * The document's promise for its queue, on the platform engine: 30 jobs of mixed priorities are added
 * through the API while no consumer runs, then the real consumer takes them in batches of five concurrent
 * claims. Higher priorities start first, and a job that keeps failing is tried exactly max_retries more
 * times. The process kind's run is replaced by one that records each start (the API, the engine and the
 * consumer are the real ones).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { tasks } from "../../../../worker/db/schema";
import { processPayloadSchema, STUDIO_PROCESS_KIND } from "../../../../worker/faces/studio/script/process-task";
import { TaskError } from "../../../../worker/tasks/errors";
import { getTaskKind, registerTaskKind, type TaskKindDefinition } from "../../../../worker/tasks/registry";
import { inArray } from "drizzle-orm";
import { addJob, api, clearQueue, consumeBatch, heldEnv, tiktokUrl } from "./queue-support";

interface Start {
  jobId: string;
  attempt: number;
  batch: number;
}
const starts: Start[] = [];
let batchNumber = 0;
/** Jobs whose run throws a retryable error, by URL. */
const failing = new Set<string>();

let original: TaskKindDefinition | undefined;
beforeAll(async () => {
  await clearQueue();
  original = getTaskKind(STUDIO_PROCESS_KIND);
  registerTaskKind(STUDIO_PROCESS_KIND, {
    ...original,
    run: async ({ task }) => {
      starts.push({ jobId: task.id, attempt: task.attempts, batch: batchNumber });
      const { url } = processPayloadSchema.parse(task.payload);
      if (failing.has(url)) throw new TaskError("transcoder.crashed", "the transcoder went away", true);
      return { done: url };
    },
  });
});
afterAll(() => {
  if (original) registerTaskKind(STUDIO_PROCESS_KIND, original);
});

interface JobBody {
  success: boolean;
  job_id: string;
  url: string;
  priority: number;
  status: string;
  attempts: number;
  max_retries: number;
  error?: string;
  finished_at?: string;
  result?: unknown;
}

describe("queue: priorities and retries", () => {
  it("should start 30 queued jobs highest priority first and retry a failing one exactly max_retries times", { timeout: 90_000 }, async () => {
    // A fixed shuffle of priorities 1–10, three of each, so submission order says nothing about priority.
    const priorities = Array.from({ length: 30 }, (_, i) => ((i * 7) % 10) + 1);
    const failingIndex = 4; // priority 9
    const failingOnceIndex = 13; // priority 2, max_retries 0
    failing.add(tiktokUrl(failingIndex));
    failing.add(tiktokUrl(failingOnceIndex));

    const added: JobBody[] = [];
    for (const [i, priority] of priorities.entries()) {
      const max_retries = i === failingIndex ? 2 : i === failingOnceIndex ? 0 : 3;
      const res = await addJob({ url: tiktokUrl(i), priority, max_retries });
      expect(res.status).toBe(201);
      added.push((await res.json()) as JobBody);
    }
    expect(added.every((j) => j.success && j.status === "pending" && j.attempts === 0)).toBe(true);
    // Nothing has started: every job waits for the consumers.
    expect(await (await api("/api/v1/queue/stats")).json()).toEqual({ success: true, pending: 30, processing: 0, completed: 0, failed: 0, total: 30 });

    const priorityOf = new Map(added.map((j) => [j.job_id, j.priority]));
    const ids = added.map((j) => j.job_id);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await getDb(heldEnv).select({ status: tasks.status }).from(tasks).where(inArray(tasks.id, ids));
      if (rows.every((r) => r.status === "succeeded" || r.status === "dead")) break;
      if (Date.now() > deadline) throw new Error("jobs did not settle");
      const before = starts.length;
      batchNumber++;
      await consumeBatch(5);
      // Only a retry's backoff leaves the consumer idle: wait it out (wake-ups for retries went to the held queue).
      if (starts.length === before) await new Promise((r) => setTimeout(r, 250));
    }

    // Every first attempt of a batch outranks every first attempt of the later batches.
    const firstStarts = starts.filter((s) => s.attempt === 1);
    expect(firstStarts).toHaveLength(30);
    const byBatch = Map.groupBy(firstStarts, (s) => s.batch);
    const claimed = [...byBatch.keys()].sort((a, b) => a - b).flatMap((b) => byBatch.get(b)!.map((s) => priorityOf.get(s.jobId)!).sort((x, y) => y - x));
    expect(claimed).toEqual([...priorities].sort((x, y) => y - x));
    // The first batch was the five most urgent jobs.
    expect(byBatch.get(1)!.map((s) => priorityOf.get(s.jobId))).toEqual(expect.arrayContaining([10, 10, 10, 9, 9]));

    const retried = added[failingIndex]!;
    const runsOf = (id: string) => starts.filter((s) => s.jobId === id).map((s) => s.attempt);
    expect(runsOf(retried.job_id)).toEqual([1, 2, 3]);
    expect(runsOf(added[failingOnceIndex]!.job_id)).toEqual([1]);
    const others = added.filter((_, i) => i !== failingIndex && i !== failingOnceIndex);
    expect(others.every((j) => runsOf(j.job_id).length === 1)).toBe(true);

    const shown = (await (await api(`/api/v1/queue/jobs/${retried.job_id}`)).json()) as JobBody;
    expect(shown).toMatchObject({ success: true, status: "failed", attempts: 3, max_retries: 2, priority: 9, error: "the transcoder went away" });
    expect(shown.finished_at).toBeTruthy();
    const done = (await (await api(`/api/v1/queue/jobs/${others[0]!.job_id}`)).json()) as JobBody;
    expect(done).toMatchObject({ status: "completed", attempts: 1, result: { done: others[0]!.url } });
    expect(await (await api("/api/v1/queue/stats")).json()).toEqual({ success: true, pending: 0, processing: 0, completed: 28, failed: 2, total: 30 });
  });
});
