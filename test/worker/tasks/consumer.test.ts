/**
 * The consumer through the real local queue: submissions send wake-ups, miniflare delivers them to the
 * Worker's queue() handler, which claims and runs tasks. Runs are counted in R2 so the count survives
 * whichever invocation ran the handler.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cancelTask } from "../../../worker/tasks/cancel";
import { submitTask, waitForTask } from "../../../worker/tasks/engine";
import { TaskError } from "../../../worker/tasks/errors";
import { registerTaskKind } from "../../../worker/tasks/registry";
import worker from "../../../worker/index";
import { insertTask } from "../support/tasks";

async function recordRun(taskId: string): Promise<void> {
  await env.MEDIA.put(`test-runs/${taskId}/${crypto.randomUUID()}`, "1");
}
async function runsOf(taskId: string): Promise<number> {
  return (await env.MEDIA.list({ prefix: `test-runs/${taskId}/` })).objects.length;
}

registerTaskKind("test.count", { run: async ({ task }) => {
  await recordRun(task.id);
  await new Promise((r) => setTimeout(r, 50));
  return { ran: true };
} });
registerTaskKind("test.flaky", { run: async ({ task }) => {
  await recordRun(task.id);
  if ((await runsOf(task.id)) < 2) throw new TaskError("transcoder.crashed", "first attempt dies", true);
  return { ok: "second time" };
} });
registerTaskKind("test.always-fails", { run: async ({ task }) => {
  await recordRun(task.id);
  throw new TaskError("transcoder.crashed", "always", true);
} });
async function endedRecords(taskId: string): Promise<unknown[]> {
  const listed = await env.MEDIA.list({ prefix: `test-ended/${taskId}/` });
  return Promise.all(listed.objects.map(async (o) => (await env.MEDIA.get(o.key))!.json()));
}
const recordEnd = async ({ env }: { env: Env }, task: { id: string; status: string; errorCode: string | null }) => {
  await env.MEDIA.put(`test-ended/${task.id}/${crypto.randomUUID()}`, JSON.stringify({ status: task.status, code: task.errorCode }));
};
registerTaskKind("test.succeeds", { run: async () => ({ ok: true }), onEnded: recordEnd });
registerTaskKind("test.permanent", {
  run: async ({ task }) => {
    await recordRun(task.id);
    throw new TaskError("source.unavailable", "the post was deleted", false);
  },
  onEnded: recordEnd,
});

registerTaskKind("test.steps", { run: async (ctx) => {
  if (!("download" in ctx.steps)) {
    await recordRun(`${ctx.task.id}-download`);
    await ctx.saveStep("download", { file: "a.mp4" });
  }
  if (ctx.task.attempts === 1) throw new TaskError("transcoder.crashed", "crashed after the download step", true);
  return { download: ctx.steps.download, edited: true };
} });

describe("queue consumer", () => {
  it("should keep a saved step's result across a crash and not redo the step", async () => {
    const { task } = await submitTask(env, { kind: "test.steps", payload: {}, maxRetries: 3 });
    const { task: done } = await waitForTask(env, task.id, 25_000);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, steps: { download: { file: "a.mp4" } }, result: { download: { file: "a.mp4" }, edited: true } });
    expect(await runsOf(`${task.id}-download`)).toBe(1);
  });

  it("should run concurrent identical submissions as one task, once", async () => {
    const key = `dedupe-${crypto.randomUUID()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => submitTask(env, { kind: "test.count", payload: { n: 1 }, idempotencyKey: key })),
    );
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    const ids = new Set(outcomes.map((o) => o.task.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const { task } = await waitForTask(env, id!, 20_000);
    expect(task.status).toBe("succeeded");
    expect(await runsOf(id!)).toBe(1);
  });

  it("should ignore redelivered and duplicate wake-ups of a finished task", async () => {
    const { task } = await submitTask(env, { kind: "test.count", payload: {}, idempotencyKey: `redeliver-${crypto.randomUUID()}` });
    await waitForTask(env, task.id, 20_000);
    const messages = Array.from({ length: 3 }, () => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: 2,
      body: { taskId: task.id, reason: "submitted" as const },
    }));
    const batch = createMessageBatch("media-tasks", messages);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.outcome).toBe("ok");
    expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
    expect(await runsOf(task.id)).toBe(1);
  });

  it("should retry a crashed run and complete it on the next attempt", async () => {
    const { task } = await submitTask(env, { kind: "test.flaky", payload: {}, maxRetries: 3 });
    const { task: done } = await waitForTask(env, task.id, 25_000);
    expect(done).toMatchObject({ status: "succeeded", attempts: 2, result: { ok: "second time" } });
    expect(await runsOf(task.id)).toBe(2);
  });

  it("should end in the dead state after the last retry, keeping the error", async () => {
    const { task } = await submitTask(env, { kind: "test.always-fails", payload: {}, maxRetries: 1 });
    const { task: done } = await waitForTask(env, task.id, 25_000);
    expect(done).toMatchObject({ status: "dead", attempts: 2, errorCode: "transcoder.crashed", errorMessage: "always" });
    expect(await runsOf(task.id)).toBe(2);
  });

  it("should not retry a permanent error, and reopen the task when it is submitted again", async () => {
    const key = `permanent-${crypto.randomUUID()}`;
    const first = await submitTask(env, { kind: "test.permanent", payload: {}, idempotencyKey: key, maxRetries: 5 });
    const { task: dead } = await waitForTask(env, first.task.id, 20_000);
    expect(dead).toMatchObject({ status: "dead", attempts: 1, errorCode: "source.unavailable" });
    const again = await submitTask(env, { kind: "test.permanent", payload: {}, idempotencyKey: key });
    expect(again).toMatchObject({ created: false, reopened: true });
    expect(again.task.id).toBe(first.task.id);
    await waitForTask(env, first.task.id, 20_000);
    expect(await runsOf(first.task.id)).toBe(2);
  });

  it("should tell the kind's onEnded hook once when its task succeeds, dies, or is cancelled before running", async () => {
    const { task } = await submitTask(env, { kind: "test.permanent", payload: { n: "hook" }, maxRetries: 3 });
    const { task: done } = await waitForTask(env, task.id, 20_000);
    expect(done?.status).toBe("dead");
    expect(await endedRecords(task.id)).toEqual([{ status: "dead", code: "source.unavailable" }]);

    const later = await insertTask(env, { kind: "test.permanent", status: "queued", runAfter: new Date(Date.now() + 3_600_000) });
    await cancelTask(env, later.id);
    await cancelTask(env, later.id);
    expect(await endedRecords(later.id)).toEqual([{ status: "cancelled", code: "task.cancelled" }]);

    const { task: ok } = await submitTask(env, { kind: "test.succeeds", payload: {} });
    expect((await waitForTask(env, ok.id, 20_000)).task?.status).toBe("succeeded");
    expect(await endedRecords(ok.id)).toEqual([{ status: "succeeded", code: null }]);
  });

  it("should mark a task of an unknown kind dead instead of retrying it forever", async () => {
    const { task } = await submitTask(env, { kind: "test.nobody-handles-this", payload: {} });
    const { task: done } = await waitForTask(env, task.id, 20_000);
    expect(done).toMatchObject({ status: "dead", errorCode: "task.unknown_kind" });
  });
});
