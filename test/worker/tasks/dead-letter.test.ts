/**
 * The dead-letter queue: a wake-up lands there only when the consumer itself kept crashing on it. The tasks
 * are safe in D1, so the consumer re-runs recovery (a task whose runner vanished is queued again) and acks
 * every message instead of crashing on them once more.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { tasks } from "../../../worker/db/schema";
import worker from "../../../worker/index";
import { heldEnv } from "../support/held-queue";
import { insertTask } from "../support/tasks";

describe("dead-letter queue", () => {
  it("should requeue a task whose lease lapsed and ack every message", async () => {
    const lapsedAt = Date.now() - 60_000;
    const stalled = await insertTask(env, {
      // Recovery's wake-up goes to a queue nobody consumes, so the row is read before a runner claims it again.
      kind: "test.dead-letter-stalled",
      status: "running",
      attempts: 1,
      maxRetries: 3,
      leaseToken: crypto.randomUUID(),
      leaseUntil: new Date(lapsedAt),
      updatedAt: new Date(lapsedAt),
    });
    const messages = Array.from({ length: 3 }, () => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 6,
      body: { taskId: stalled.id, reason: "submitted" as const },
    }));
    const batch = createMessageBatch("media-tasks-dlq", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, heldEnv, ctx);
    const result = await getQueueResult(batch, ctx);

    expect(result.outcome).toBe("ok");
    expect(result.ackAll).toBe(true);
    expect(result.retryBatch.retry).toBe(false);
    expect(result.retryMessages).toEqual([]);
    const row = await getDb(env).select().from(tasks).where(eq(tasks.id, stalled.id)).get();
    expect(row).toMatchObject({ status: "queued", errorCode: "lease.expired", leaseToken: null, leaseUntil: null });
  });
});
