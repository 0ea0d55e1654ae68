/**
 * `GET /api/progress/{channel}` and `X-Progress-Channel` through the Worker's own fetch handler: a
 * synchronous media request names a channel its client opened first, and that channel hears the fetch
 * task's events — the final one at once for a cache hit, each change for a task still running.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { tasks, taskWatchers } from "../../../../worker/db/schema";
import type { TaskEvent } from "../../../../worker/durable/progress-event";
import { MEDIA_FETCH_KIND, mediaFetchKey } from "../../../../worker/media/fetch-media";
import { resolveSource } from "../../../../worker/sources/resolve";
import { publishTaskEvents } from "../../../../worker/tasks/events";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { call, postJson } from "../../support/http";
import { insertTask } from "../../support/tasks";

/** The key the saver's submission gets for a URL (its selection, as in worker/media/tiktok-post.ts). */
async function saverKeyFor(url: string): Promise<string> {
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  return mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
}

async function openChannel(channel: string, headers: Record<string, string> = { Upgrade: "websocket" }) {
  const res = await call(`/api/progress/${channel}`, { headers });
  const ws = res.webSocket;
  const events: TaskEvent[] = [];
  let closed = false;
  if (ws) {
    ws.addEventListener("message", (e) => void events.push(JSON.parse(String(e.data)) as TaskEvent));
    ws.addEventListener("close", () => void (closed = true));
    ws.accept();
  }
  return { res, ws, events, isClosed: () => closed };
}

const watchersOf = async (taskId: string) =>
  (await getDb(env).select().from(taskWatchers).where(eq(taskWatchers.taskId, taskId))).map((w) => w.channel);

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("progress channels of synchronous media requests", () => {
  it("should refuse a channel that is not a UUID, and a request that is not an upgrade", async () => {
    const bad = await openChannel("task:abc");
    expect(bad.res.status).toBe(400);
    expect(await bad.res.json()).toMatchObject({ status: "error" });
    expect((await openChannel("not-a-uuid")).res.status).toBe(400);
    const plain = await openChannel(crypto.randomUUID(), {});
    expect(plain.res.status).toBe(426);
    expect(await plain.res.json()).toEqual({ status: "error", message: "Expected a WebSocket upgrade" });
  });

  it("should send a cache hit's final event to the channel named by the request", async () => {
    const url = "https://www.tiktok.com/@scout2015/video/6718335390845095201";
    const { task } = await seedSucceededFetch(env, { idempotencyKey: await saverKeyFor(url), outputs: 1, lastAccessedAt: Date.now() });
    const channel = crypto.randomUUID();
    const socket = await openChannel(channel);
    expect(socket.res.status).toBe(101);

    const res = await postJson("/download", { url }, { "X-Progress-Channel": channel });
    expect(res.status).toBe(200);
    await until(() => socket.isClosed());
    expect(socket.events).toEqual([expect.objectContaining({ type: "task", taskId: task.id, status: "succeeded", progress: 100, final: true })]);
    // Answered: the cached task no longer fans its events out to this request's channel.
    expect(await watchersOf(task.id)).toEqual([]);
  });

  // Every face whose request waits for a fetch passes its channel on: the converter with its own selection,
  // the studio with the saver's (a shared key, see worker/media/tiktok-post.ts).
  it.each([
    ["/api/tiktok/convert", { kind: "video", noWatermark: true, maxItems: 1, bundle: "none" }, "6718335390845095211"],
    ["/api/v1/download", { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" }, "6718335390845095212"],
  ] as const)("should pass %s's channel to its fetch task", async (path, select, id) => {
    const url = `https://www.tiktok.com/@scout2015/video/${id}`;
    const idempotencyKey = mediaFetchKey({ service: "tiktok", sourceId: id, select });
    const { task } = await seedSucceededFetch(env, { idempotencyKey, outputs: 1, lastAccessedAt: Date.now() });
    const channel = crypto.randomUUID();
    const socket = await openChannel(channel);
    const res = await postJson(path, { url }, { "X-Progress-Channel": channel });
    expect(res.status).toBe(200);
    await until(() => socket.isClosed());
    expect(socket.events).toEqual([expect.objectContaining({ taskId: task.id, status: "succeeded", final: true })]);
  });

  it("should send each change of a running task, the current state first, while the request waits", async () => {
    const url = "https://www.tiktok.com/@scout2015/video/6718335390845095202";
    const task = await insertTask(env, {
      kind: MEDIA_FETCH_KIND,
      status: "running",
      attempts: 1,
      progress: 10,
      stage: "downloading",
      idempotencyKey: await saverKeyFor(url),
      payload: {},
    });
    const channel = crypto.randomUUID();
    const socket = await openChannel(channel);
    const answer = postJson("/download", { url }, { "X-Progress-Channel": channel });

    await until(() => socket.events.length >= 1);
    expect(socket.events[0]).toMatchObject({ taskId: task.id, status: "running", progress: 10, stage: "downloading", final: false });

    // What the engine does on a progress report: update the row, publish to the task's watchers.
    const moved = await getDb(env)
      .update(tasks)
      .set({ progress: 60, stage: "converting", updatedAt: new Date(Date.now() + 1) })
      .where(eq(tasks.id, task.id))
      .returning()
      .get();
    await publishTaskEvents(env, [moved!]);
    await until(() => socket.events.length >= 2);
    expect(socket.events[1]).toMatchObject({ taskId: task.id, progress: 60, stage: "converting", final: false });

    expect(await watchersOf(task.id)).toEqual([`progress:${channel}`]);
    // SYNC_TASK_TIMEOUT_SECONDS is 5 in the tests: the request gives up while the task runs on, and its
    // channel stops hearing the task (a retry of the request brings its own).
    expect((await answer).status).toBe(504);
    expect(await watchersOf(task.id)).toEqual([]);
    socket.ws!.close();
  });

  it("should refuse a malformed X-Progress-Channel in each face's validation shape, and watch nothing without one", async () => {
    const url = "https://www.tiktok.com/@scout2015/video/6718335390845095203";
    const saver = await postJson("/download", { url }, { "X-Progress-Channel": "progress:1" });
    expect(saver.status).toBe(422);
    expect(await saver.json()).toMatchObject({ detail: [{ loc: ["header", "x-progress-channel"] }] });
    const converter = await postJson("/api/tiktok/convert", { url }, { "X-Progress-Channel": "123" });
    expect(converter.status).toBe(400);
    expect(await converter.json()).toMatchObject({ status: "error" });
    const studio = await postJson("/api/v1/download", { url }, { "X-Progress-Channel": "x" });
    expect(studio.status).toBe(400);
    expect(await studio.json()).toMatchObject({ success: false });

    const { task } = await seedSucceededFetch(env, { idempotencyKey: await saverKeyFor(url), outputs: 1, lastAccessedAt: Date.now() });
    expect((await postJson("/download", { url })).status).toBe(200);
    expect(await watchersOf(task.id)).toEqual([]);
  });
});
