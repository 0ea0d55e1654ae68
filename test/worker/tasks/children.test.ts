/**
 * Parent / child tasks. Hand-driven cases insert children that no queue consumer can claim (run_after far
 * in the future) and claim them "at" that time, so each interleaving is exact; the fan-out case runs 150
 * children through the real local queue and consumer.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { tasks } from "../../../worker/db/schema";
import { retryChild, spawnChildren } from "../../../worker/tasks/children";
import { claimNextTask, completeTask, failTask, getTask, recoverStalledTasks, submitTask, waitForChildrenOf, waitForTask } from "../../../worker/tasks/engine";
import { TaskError } from "../../../worker/tasks/errors";
import { registerTaskKind } from "../../../worker/tasks/registry";
import { settleStatements } from "../../../worker/tasks/settle";
import { clearTasks, insertTask as insertRow } from "../support/tasks";

const LATER = Date.now() + 3_600_000;
const leaseMs = () => Number(env.TASK_LEASE_SECONDS) * 1000;

async function runsOf(prefix: string): Promise<string[]> {
  const listed = await env.MEDIA.list({ prefix });
  return listed.objects.map((o) => o.key);
}

/** A parent in the middle of its run, holding a lease; its children are claimable only at LATER. */
async function parentWithChildren(count: number) {
  const parent = await insertTask({ kind: "test.parent", status: "running", leaseToken: "parent-lease", leaseUntil: new Date(LATER + leaseMs()) });
  for (let i = 0; i < count; i++) await insertTask({ kind: "test.leaf", parentId: parent.id, runAfter: new Date(LATER) });
  await getDb(env).update(tasks).set({ childrenTotal: count }).where(eq(tasks.id, parent.id));
  expect(await waitForChildrenOf(env, parent)).toBe("waiting");
  return parent;
}

const insertTask = (overrides: Partial<typeof tasks.$inferInsert>) => insertRow(env, overrides);

describe("child tasks: counted exactly once", () => {
  beforeEach(() => clearTasks(env));

  it("should count a child completion that is delivered twice once", async () => {
    const parent = await parentWithChildren(2);
    const child = (await claimNextTask(env, LATER))!;
    expect(child.parentId).toBe(parent.id);
    expect(await completeTask(env, child, { n: 1 }, LATER)).toBe(true);
    // The same completion again (a redelivered message, a retried consumer), and the bare parent update replayed.
    expect(await completeTask(env, child, { n: 1 }, LATER)).toBe(false);
    const db = getDb(env);
    const [a, b, c] = settleStatements(db, { childId: child.id }, LATER);
    await db.batch([a, b, c]);
    await recoverStalledTasks(env, LATER);

    expect(await getTask(env, parent.id)).toMatchObject({ status: "waiting", childrenTotal: 2, childrenSucceeded: 1, childrenFailed: 0, progress: 50 });

    const second = (await claimNextTask(env, LATER))!;
    expect(await failTask(env, second, new TaskError("source.unavailable", "gone", false), LATER)).toBe("dead");
    // The last child settled: the parent is queued again, to run with its counters filled in.
    expect(await getTask(env, parent.id)).toMatchObject({ status: "queued", childrenSucceeded: 1, childrenFailed: 1 });
  });

  it("should take a retried dead child out of a finished parent's counters and count its new outcome once", async () => {
    const parent = await parentWithChildren(2);
    const first = (await claimNextTask(env, LATER))!;
    expect(await completeTask(env, first, {}, LATER)).toBe(true);
    const second = (await claimNextTask(env, LATER))!;
    expect(await failTask(env, second, new TaskError("source.unavailable", "gone", false), LATER)).toBe("dead");
    // The parent's finishing run ends it.
    const finishing = (await claimNextTask(env, LATER))!;
    expect(finishing.id).toBe(parent.id);
    expect(await completeTask(env, finishing, {}, LATER)).toBe(true);

    const [a, b] = await Promise.all([retryChild(env, second.id, LATER), retryChild(env, second.id, LATER)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await getTask(env, parent.id)).toMatchObject({ status: "waiting", childrenSucceeded: 1, childrenFailed: 0, finishedAt: null });
    expect(await getTask(env, second.id)).toMatchObject({ status: "queued", attempts: 0, countedInParent: false });
    // Only a settled failure can be retried.
    expect(await retryChild(env, first.id, LATER)).toBeUndefined();

    const again = (await claimNextTask(env, LATER))!;
    expect(again.id).toBe(second.id);
    expect(await completeTask(env, again, {}, LATER)).toBe(true);
    expect(await getTask(env, parent.id)).toMatchObject({ status: "queued", childrenSucceeded: 2, childrenFailed: 0 });
  });

  it("should count a child whose runner crashed and whose retry completed once", async () => {
    const parent = await parentWithChildren(1);
    const stale = (await claimNextTask(env, LATER))!;
    // The runner vanishes: its lease lapses, cron requeues the child, another runner completes it.
    const afterLease = LATER + leaseMs() + 1000;
    expect(await recoverStalledTasks(env, afterLease)).toMatchObject({ requeued: 1 });
    expect((await getTask(env, parent.id))?.childrenSucceeded).toBe(0);
    const fresh = (await claimNextTask(env, afterLease))!;
    expect(fresh.id).toBe(stale.id);
    expect(await completeTask(env, fresh, { by: "fresh" }, afterLease)).toBe(true);
    // The crashed runner comes back and reports too.
    expect(await completeTask(env, stale, { by: "stale" }, afterLease)).toBe(false);
    expect(await failTask(env, stale, new TaskError("x", "late", false), afterLease)).toBeUndefined();
    await recoverStalledTasks(env, afterLease + leaseMs() * 2);
    expect(await getTask(env, parent.id)).toMatchObject({ status: "queued", childrenTotal: 1, childrenSucceeded: 1, childrenFailed: 0 });
  });

  it("should count a child killed by recovery (out of attempts) into failed, once", async () => {
    const parent = await parentWithChildren(1);
    const child = (await claimNextTask(env, LATER))!;
    await getDb(env).update(tasks).set({ maxRetries: 0 }).where(eq(tasks.id, child.id));
    const afterLease = LATER + leaseMs() + 1000;
    expect(await recoverStalledTasks(env, afterLease)).toMatchObject({ dead: 1, parentsWoken: 1 });
    expect(await recoverStalledTasks(env, afterLease)).toMatchObject({ dead: 0, parentsWoken: 0 });
    expect(await getTask(env, parent.id)).toMatchObject({ status: "queued", childrenFailed: 1, childrenSucceeded: 0 });
  });

  it("should create children in statements that fit D1 and not duplicate them when the parent spawns again", async () => {
    const parent = await insertTask({ kind: "test.parent", status: "running", leaseToken: "p", leaseUntil: new Date(LATER) });
    const specs = Array.from({ length: 130 }, (_, i) => ({ key: `v${i}`, kind: "test.leaf", payload: { i }, delaySeconds: 3600 }));
    const created = await spawnChildren(env, parent, specs);
    expect(new Set(created).size).toBe(130);
    // A crash and retry of the parent spawns the same keys again.
    expect(await spawnChildren(env, parent, specs)).toEqual([]);
    expect((await getTask(env, parent.id))?.childrenTotal).toBe(130);
  });
});

// ── through the real queue ──

registerTaskKind("test.fanout", {
  async run(ctx) {
    const { count } = ctx.task.payload as { count: number };
    if (ctx.task.childrenTotal === 0) {
      await ctx.spawnChildren(Array.from({ length: count }, (_, i) => ({ key: `video-${i}`, kind: "test.video", payload: { i } })));
      return ctx.waitForChildren();
    }
    const t = ctx.task;
    return { total: t.childrenTotal, succeeded: t.childrenSucceeded, failed: t.childrenFailed };
  },
  async onChildSettled({ env, parent }, child) {
    await env.MEDIA.put(`test-hooks/${parent.id}/${child.id}/${crypto.randomUUID()}`, child.status);
  },
});
registerTaskKind("test.video", {
  async run({ task }) {
    const { i } = task.payload as { i: number };
    // Every seventh video is gone: a permanent failure, counted as failed.
    if (i % 7 === 0) throw new TaskError("source.unavailable", "deleted", false);
    return { i };
  },
});

describe("child tasks: fan-out through the queue", () => {
  it("should fan out 150 children and end with exact counters", { timeout: 180_000 }, async () => {
    const started = Date.now();
    const { task } = await submitTask(env, { kind: "test.fanout", payload: { count: 150 } });
    const { task: done, timedOut } = await waitForTask(env, task.id, 170_000);
    expect(timedOut).toBe(false);
    const failed = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 7 === 0).length;
    expect(done).toMatchObject({
      status: "succeeded",
      childrenTotal: 150,
      childrenSucceeded: 150 - failed,
      childrenFailed: failed,
      result: { total: 150, succeeded: 150 - failed, failed },
    });
    const hooks = await runsOf(`test-hooks/${task.id}/`);
    const perChild = new Map<string, number>();
    for (const key of hooks) perChild.set(key.split("/")[2]!, (perChild.get(key.split("/")[2]!) ?? 0) + 1);
    expect(perChild.size).toBe(150);
    expect([...perChild.values()].every((n) => n === 1)).toBe(true);
    console.log(JSON.stringify({ measured: "fanout-150", ms: Date.now() - started }));
  });
});
