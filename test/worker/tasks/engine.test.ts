import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  claimNextTask,
  claimTask,
  completeTask,
  failTask,
  getTask,
  recoverStalledTasks,
  renewLease,
  retryDelaySeconds,
  submitTask,
} from "../../../worker/tasks/engine";
import { TaskError } from "../../../worker/tasks/errors";
import { clearTasks, insertTask } from "../support/tasks";

describe("task engine: claiming", () => {
  beforeEach(() => clearTasks(env));

  it("should claim the highest priority ready task first, oldest first within a priority", async () => {
    const now = Date.now();
    await insertTask(env, { priority: 3, createdAt: new Date(now - 3000), runAfter: new Date(now - 3000) });
    const high = await insertTask(env, { priority: 8, createdAt: new Date(now - 1000), runAfter: new Date(now - 1000) });
    const highOlder = await insertTask(env, { priority: 8, createdAt: new Date(now - 2000), runAfter: new Date(now - 2000) });
    await insertTask(env, { priority: 10, runAfter: new Date(now + 60_000) }); // not ready yet

    const first = await claimNextTask(env, now);
    const second = await claimNextTask(env, now);
    expect(first?.id).toBe(highOlder.id);
    expect(second?.id).toBe(high.id);
    expect(first?.status).toBe("running");
    expect(first?.attempts).toBe(1);
    expect(first?.leaseToken).toBeTruthy();
  });

  it("should never hand the same task to two concurrent claimers", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await insertTask(env)).id);
    const claims = await Promise.all(Array.from({ length: 12 }, () => claimNextTask(env)));
    const claimed = claims.filter((c) => c !== undefined).map((c) => c.id);
    expect(claimed.length).toBe(5);
    expect(new Set(claimed).size).toBe(5);
    expect(new Set(claimed)).toEqual(ids);
  });

  it("should return nothing when no task is ready", async () => {
    await insertTask(env, { status: "succeeded" });
    await insertTask(env, { runAfter: new Date(Date.now() + 10_000) });
    expect(await claimNextTask(env)).toBeUndefined();
  });

  it("should claim one queued task by id, also while it waits out a backoff, and only once", async () => {
    const low = await insertTask(env, { priority: 1, attempts: 1, runAfter: new Date(Date.now() + 60_000) });
    await insertTask(env, { priority: 10 });
    const claims = await Promise.all(Array.from({ length: 4 }, () => claimTask(env, low.id)));
    const won = claims.filter((c) => c !== undefined);
    expect(won.map((c) => c.id)).toEqual([low.id]);
    expect(won[0]).toMatchObject({ status: "running", attempts: 2 });
    expect(won[0]?.leaseToken).toBeTruthy();
    const done = await insertTask(env, { status: "succeeded" });
    expect(await claimTask(env, done.id)).toBeUndefined();
  });
});

describe("task engine: outcomes", () => {
  beforeEach(() => clearTasks(env));

  it("should complete a claimed task and keep its result", async () => {
    await insertTask(env);
    const task = (await claimNextTask(env))!;
    expect(await completeTask(env, task, { answer: 42 })).toBe(true);
    const stored = await getTask(env, task.id);
    expect(stored).toMatchObject({ status: "succeeded", result: { answer: 42 }, progress: 100, leaseToken: null });
  });

  it("should refuse writes from a runner whose lease was taken over", async () => {
    await insertTask(env);
    const stale = (await claimNextTask(env))!;
    // The lease lapses and recovery requeues the task; another runner claims it.
    await recoverStalledTasks(env, Date.now() + 10_000_000);
    const fresh = (await claimNextTask(env, Date.now() + 10_000_000))!;
    expect(fresh.id).toBe(stale.id);
    expect((await renewLease(env, stale, 50, "download")).held).toBe(false);
    expect(await completeTask(env, stale, { from: "stale" })).toBe(false);
    expect(await completeTask(env, fresh, { from: "fresh" })).toBe(true);
    expect((await getTask(env, stale.id))?.result).toEqual({ from: "fresh" });
  });

  it("should requeue a retryable failure with backoff, then end dead with the last error kept", async () => {
    await insertTask(env, { maxRetries: 2 });
    let now = Date.now();
    for (let attempt = 1; attempt <= 3; attempt++) {
      const task = (await claimNextTask(env, now))!;
      expect(task.attempts).toBe(attempt);
      const status = await failTask(env, task, new TaskError("transcoder.crashed", `boom ${attempt}`, true), now);
      const stored = (await getTask(env, task.id))!;
      if (attempt < 3) {
        expect(status).toBe("queued");
        expect(stored.runAfter.getTime()).toBeGreaterThan(now);
        expect(await claimNextTask(env, now)).toBeUndefined(); // backoff not over yet
        now = stored.runAfter.getTime();
      } else {
        expect(status).toBe("dead");
        expect(stored).toMatchObject({ status: "dead", errorCode: "transcoder.crashed", errorMessage: "boom 3", attempts: 3 });
      }
    }
  });

  it("should not retry a permanent failure", async () => {
    await insertTask(env, { maxRetries: 5 });
    const task = (await claimNextTask(env))!;
    expect(await failTask(env, task, new TaskError("source.unavailable", "gone", false))).toBe("dead");
  });

  it("should grow the retry delay exponentially and cap it", () => {
    const base = Number(env.TASK_RETRY_BASE_SECONDS);
    expect(retryDelaySeconds(env, 1, 0.5)).toBe(base);
    expect(retryDelaySeconds(env, 3, 0.5)).toBe(base * 4);
    expect(retryDelaySeconds(env, 30, 0.5)).toBe(900);
  });
});

describe("task engine: recovery", () => {
  beforeEach(() => clearTasks(env));

  it("should requeue running tasks whose lease lapsed and kill those out of attempts", async () => {
    const now = Date.now();
    const lapsed = await insertTask(env, { status: "running", attempts: 1, maxRetries: 3, leaseUntil: new Date(now - 1000), leaseToken: "x" });
    const exhausted = await insertTask(env, { status: "running", attempts: 4, maxRetries: 3, leaseUntil: new Date(now - 1000), leaseToken: "y" });
    const healthy = await insertTask(env, { status: "running", attempts: 1, leaseUntil: new Date(now + 60_000), leaseToken: "z" });
    const outcome = await recoverStalledTasks(env, now);
    expect(outcome).toMatchObject({ requeued: 1, dead: 1 });
    expect((await getTask(env, lapsed.id))?.status).toBe("queued");
    expect((await getTask(env, exhausted.id))).toMatchObject({ status: "dead", errorCode: "lease.expired" });
    expect((await getTask(env, healthy.id))?.status).toBe("running");
    // A second pass (cron firing twice) changes nothing more.
    expect(await recoverStalledTasks(env, now)).toMatchObject({ requeued: 0, dead: 0 });
  });
});

describe("task engine: joining a queued task", () => {
  beforeEach(() => clearTasks(env));

  it("should raise a queued task's priority for a more urgent request, never lower it", async () => {
    const later = new Date(Date.now() + 3_600_000);
    const key = `raise-${crypto.randomUUID()}`;
    const queued = await insertTask(env, { idempotencyKey: key, priority: 3, runAfter: later });
    const raised = await submitTask(env, { kind: "test.noop", payload: {}, idempotencyKey: key, priority: 8 });
    expect(raised).toMatchObject({ created: false, task: { id: queued.id, priority: 8 } });
    const lower = await submitTask(env, { kind: "test.noop", payload: {}, idempotencyKey: key, priority: 2 });
    expect(lower.task.priority).toBe(8);
    expect((await getTask(env, queued.id))?.priority).toBe(8);
    // The raise decides the claim order against a task that was ahead of it.
    await insertTask(env, { priority: 6, runAfter: later });
    expect((await claimNextTask(env, later.getTime()))?.id).toBe(queued.id);
  });
});

describe("task engine: recovery at scale", () => {
  beforeEach(() => clearTasks(env));

  it("should requeue and wake more than 100 lapsed tasks within the Queues sendBatch limit", async () => {
    const now = Date.now();
    for (let i = 0; i < 150; i++) {
      await insertTask(env, { status: "running", attempts: 1, leaseToken: `l${i}`, leaseUntil: new Date(now - 1000) });
    }
    // Requeued to run "at" a far future time, so the live consumer leaves them alone.
    const outcome = await recoverStalledTasks(env, now + 3_600_000);
    expect(outcome).toMatchObject({ requeued: 150, dead: 0 });
  });
});
