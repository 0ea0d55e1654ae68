/**
 * Cancellation: pending work is cancelled at once and never starts; a running child is stopped by its own
 * next heartbeat (through the real queue consumer) and ends `cancelled`, not failed or retried.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { tasks } from "../../../worker/db/schema";
import { spawnChildren } from "../../../worker/tasks/children";
import { cancelTask, claimNextTask, getTask, waitForChildrenOf, waitForTask } from "../../../worker/tasks/engine";
import { registerTaskKind } from "../../../worker/tasks/registry";
import { clearTasks, insertTask } from "../support/tasks";

const LATER = Date.now() + 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started = async (prefix: string) => (await env.MEDIA.list({ prefix: `test-started/${prefix}` })).objects.map((o) => o.key);

registerTaskKind("test.blocker", {
  async run({ env, task, progress, signal }) {
    await env.MEDIA.put(`test-started/${task.parentId}/${task.id}`, "1");
    const giveUp = Date.now() + 20_000;
    while (!signal.aborted && Date.now() < giveUp) {
      await progress(10, "working");
      await sleep(100);
    }
    if (signal.aborted) throw signal.reason;
    return { finished: "without noticing the cancel" };
  },
});
registerTaskKind("test.recorded", {
  async run({ env, task }) {
    await env.MEDIA.put(`test-started/${task.parentId}/${task.id}`, "1");
    return {};
  },
});

describe("cancelTask", () => {
  beforeEach(() => clearTasks(env));

  it("should cancel pending children at once and stop a running child at its next heartbeat", { timeout: 60_000 }, async () => {
    const parent = await insertTask(env, { kind: "test.parent", status: "running", leaseToken: "p", leaseUntil: new Date(LATER) });
    const pending = Array.from({ length: 120 }, (_, i) => ({ key: `later-${i}`, kind: "test.recorded", payload: {}, delaySeconds: 3600 }));
    await spawnChildren(env, parent, [{ key: "blocker", kind: "test.blocker", payload: {} }, ...pending]);
    expect(await waitForChildrenOf(env, parent)).toBe("waiting");
    const blocker = await getDb(env).select().from(tasks).where(and(eq(tasks.parentId, parent.id), eq(tasks.kind, "test.blocker"))).get();
    for (let i = 0; i < 200 && (await started(parent.id)).length === 0; i++) await sleep(50);
    expect((await getTask(env, blocker!.id))?.status).toBe("running");

    const cancelledAt = Date.now();
    expect(await cancelTask(env, parent.id)).toMatchObject({ status: "cancelled" });
    const pendingRows = await getDb(env).select().from(tasks).where(and(eq(tasks.parentId, parent.id), eq(tasks.kind, "test.recorded")));
    expect(pendingRows.map((r) => r.status)).toEqual(pending.map(() => "cancelled"));

    const { task: stopped, timedOut } = await waitForTask(env, blocker!.id, 15_000);
    expect(timedOut).toBe(false);
    expect(stopped).toMatchObject({ status: "cancelled", attempts: 1, errorCode: "task.cancelled" });
    console.log(JSON.stringify({ measured: "cancel-to-stopped", ms: Date.now() - cancelledAt }));

    // Nothing of this family can ever be claimed, even once the pending children's start time has come.
    expect(await claimNextTask(env, LATER + 7_200_000)).toBeUndefined();
    expect(await started(parent.id)).toEqual([`test-started/${parent.id}/${blocker!.id}`]);
    expect(await getTask(env, parent.id)).toMatchObject({ status: "cancelled", childrenTotal: 121, childrenCancelled: 121, childrenSucceeded: 0, childrenFailed: 0 });
  });

  it("should cancel a queued task at once and leave a finished one alone", async () => {
    const queued = await insertTask(env, { runAfter: new Date(LATER) });
    const done = await insertTask(env, { status: "succeeded", result: { ok: true } });
    expect(await cancelTask(env, queued.id)).toMatchObject({ status: "cancelled" });
    expect(await cancelTask(env, done.id)).toMatchObject({ status: "succeeded", result: { ok: true } });
    expect(await claimNextTask(env, LATER)).toBeUndefined();
  });
});
