/**
 * Progress events: what a watching channel hears (read from its JobProgress object over a WebSocket and
 * as current state), and `waitForTask` resolving on the final event rather than by polling.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { tasks } from "../../../worker/db/schema";
import { taskEventSchema } from "../../../worker/durable/progress-event";
import { claimNextTask, completeTask, renewLease, waitForChildrenOf, waitForTask, watchTask } from "../../../worker/tasks/engine";
import { clearTasks, insertTask } from "../support/tasks";

const LATER = Date.now() + 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const channel = (name: string) => env.JOB_PROGRESS.get(env.JOB_PROGRESS.idFromName(name));

async function listen(name: string) {
  const res = await channel(name).fetch("http://progress/ws", { headers: { Upgrade: "websocket" } });
  const ws = res.webSocket!;
  const events: ReturnType<typeof taskEventSchema.parse>[] = [];
  let closed = false;
  ws.addEventListener("message", (e) => events.push(taskEventSchema.parse(JSON.parse(String(e.data)))));
  ws.addEventListener("close", () => (closed = true));
  ws.accept();
  return { events, isClosed: () => closed };
}

describe("task progress events", () => {
  beforeEach(() => clearTasks(env));

  it("should reach every watching channel, from the current state to the final event", async () => {
    const task = await insertTask(env, { kind: "test.watched", runAfter: new Date(LATER) });
    const job = `job:${crypto.randomUUID()}`;
    const otherRequest = `request:${crypto.randomUUID()}`;
    await watchTask(env, task.id, job);
    await watchTask(env, task.id, otherRequest);
    const socket = await listen(job);

    const claimed = (await claimNextTask(env, LATER))!;
    expect((await renewLease(env, claimed, 40, "download", LATER + 1)).held).toBe(true);
    expect(await completeTask(env, claimed, { ok: true }, LATER + 2)).toBe(true);

    for (let i = 0; i < 100 && !socket.isClosed(); i++) await sleep(20);
    expect(socket.events.map((e) => [e.status, e.progress, e.stage, e.final])).toEqual([
      ["queued", 0, null, false],
      ["running", 0, null, false],
      ["running", 40, "download", false],
      ["succeeded", 100, "done", true],
    ]);
    expect(socket.isClosed()).toBe(true);
    expect(await channel(otherRequest).current()).toMatchObject({ taskId: task.id, status: "succeeded", final: true });
    expect(await channel(`task:${task.id}`).current()).toMatchObject({ status: "succeeded", final: true });
  });

  it("should tell a parent's watchers its counters when a child settles", async () => {
    const parent = await insertTask(env, { kind: "test.parent", status: "running", leaseToken: "p", leaseUntil: new Date(LATER) });
    await insertTask(env, { parentId: parent.id, runAfter: new Date(LATER) });
    await insertTask(env, { parentId: parent.id, runAfter: new Date(LATER) });
    await getDb(env).update(tasks).set({ childrenTotal: 2 }).where(eq(tasks.id, parent.id));
    await waitForChildrenOf(env, parent);
    const job = `job:${crypto.randomUUID()}`;
    await watchTask(env, parent.id, job);
    const child = (await claimNextTask(env, LATER))!;
    await completeTask(env, child, {}, LATER + 5);
    expect(await channel(job).current()).toMatchObject({
      taskId: parent.id,
      status: "waiting",
      progress: 50,
      counters: { total: 2, succeeded: 1, failed: 0, cancelled: 0 },
      final: false,
    });
  });
});

describe("waitForTask", () => {
  beforeEach(() => clearTasks(env));

  it("should return as soon as the final event is published", async () => {
    const task = await insertTask(env, { runAfter: new Date(LATER) });
    // One long slice: only the event can end the wait early.
    const waiting = waitForTask(env, task.id, 20_000, { sliceMs: 15_000 });
    await sleep(300);
    const claimed = (await claimNextTask(env, LATER))!;
    const finished = Date.now();
    await completeTask(env, claimed, { ok: 1 }, LATER);
    const { task: done, timedOut } = await waiting;
    const latency = Date.now() - finished;
    expect(timedOut).toBe(false);
    expect(done).toMatchObject({ status: "succeeded", result: { ok: 1 } });
    expect(latency).toBeLessThan(2000);
    console.log(JSON.stringify({ measured: "waitForTask-latency-after-completion", ms: latency }));
  });

  it("should still see the outcome in D1 when no event is published", async () => {
    const task = await insertTask(env, { runAfter: new Date(LATER) });
    const waiting = waitForTask(env, task.id, 10_000, { sliceMs: 300 });
    await sleep(100);
    await getDb(env).update(tasks).set({ status: "dead", errorCode: "x" }).where(eq(tasks.id, task.id));
    const { task: done, timedOut } = await waiting;
    expect(timedOut).toBe(false);
    expect(done.status).toBe("dead");
  });

  it("should time out with the current row", async () => {
    const task = await insertTask(env, { runAfter: new Date(LATER) });
    const { task: current, timedOut } = await waitForTask(env, task.id, 300);
    expect(timedOut).toBe(true);
    expect(current.status).toBe("queued");
  });
});
