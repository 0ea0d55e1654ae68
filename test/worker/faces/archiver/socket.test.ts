/**
 * `/ws/jobs/{job_id}` through the Worker: authenticated like the REST routes (header, or `?api_key=` for
 * browsers), the current state first, then one message per change in the document's words, and a final
 * message after which the server closes.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { archiverVideos } from "../../../../worker/db/schema";
import { publishJobEvent } from "../../../../worker/faces/archiver/events";
import { eq } from "drizzle-orm";
import { call } from "../../support/http";
import { archiverKey, seedJob, seedVideo } from "./support";

interface Message {
  type: string;
  job: { id: string; status: string; progress: number; total_videos: number; successful_downloads: number; failed_downloads: number };
  video?: { id: string; status: string };
  final: boolean;
}

async function open(path: string, headers: Record<string, string> = {}) {
  const res = await call(path, { headers: { Upgrade: "websocket", ...headers } });
  const ws = res.webSocket;
  const messages: Message[] = [];
  let closed = false;
  if (ws) {
    ws.addEventListener("message", (e) => void messages.push(JSON.parse(String(e.data)) as Message));
    ws.addEventListener("close", () => void (closed = true));
    ws.accept();
  }
  return { res, ws, messages, isClosed: () => closed };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 150 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe("seed 004 job WebSocket", () => {
  it("should refuse a handshake without a key and accept the key as a header or as ?api_key=", async () => {
    const job = await seedJob(env, {}, { status: "waiting", childrenTotal: 1 });
    expect((await open(`/ws/jobs/${job.id}`)).res.status).toBe(401);
    expect((await open(`/ws/jobs/${job.id}?api_key=wrong-key-123456`)).res.status).toBe(401);
    const key = (await archiverKey(env))["X-API-Key"]!;
    const byHeader = await open(`/ws/jobs/${job.id}`, { "X-API-Key": key });
    expect(byHeader.res.status).toBe(101);
    const byQuery = await open(`/ws/jobs/${job.id}?api_key=${encodeURIComponent(key)}`);
    expect(byQuery.res.status).toBe(101);
    expect((await open(`/ws/jobs/no-such-job?api_key=${encodeURIComponent(key)}`)).res.status).toBe(404);
    byHeader.ws!.close();
    byQuery.ws!.close();
  });

  it("should send the current state first, then each change with the video, then a final message and close", async () => {
    const job = await seedJob(env, {}, { status: "waiting", childrenTotal: 2, childrenSucceeded: 1, progress: 50 });
    const video = await seedVideo(env, job.id, { status: "downloading" });
    const socket = await open(`/ws/jobs/${job.id}`, await archiverKey(env));
    expect(socket.res.status).toBe(101);
    await until(() => socket.messages.length >= 1);
    expect(socket.messages[0]).toMatchObject({ type: "job", job: { id: job.id, status: "running", progress: 50, total_videos: 2, successful_downloads: 1 }, final: false });

    const downloaded = await getDb(env).update(archiverVideos).set({ status: "downloaded" }).where(eq(archiverVideos.id, video.id)).returning().get();
    await publishJobEvent(env, job.id, downloaded);
    await until(() => socket.messages.length >= 2);
    expect(socket.messages[1]).toMatchObject({ video: { id: video.id, status: "downloaded" }, final: false });

    await env.DB.prepare("UPDATE tasks SET status = 'succeeded', progress = 100, children_succeeded = 2, finished_at = ? WHERE id = ?").bind(Date.now(), job.id).run();
    await publishJobEvent(env, job.id);
    await until(() => socket.isClosed());
    expect(socket.messages.at(-1)).toMatchObject({ job: { status: "completed", progress: 100, successful_downloads: 2 }, final: true });
    expect(socket.isClosed()).toBe(true);

    // A late joiner gets the final state at once.
    const late = await open(`/ws/jobs/${job.id}`, await archiverKey(env));
    await until(() => late.messages.length >= 1);
    expect(late.messages[0]).toMatchObject({ job: { status: "completed" }, final: true });
  });
});
