/**
 * `/ws/jobs/{job_id}` through the Worker: authenticated like the REST routes (header), by a `bearer.`
 * subprotocol (browsers, no secret in the URL) or by `?api_key=` (existing clients), the current state first, then one message per change in the document's words, and a final
 * message after which the server closes.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { archiverVideos } from "../../../../worker/db/schema";
import { publishJobEvent } from "../../../../worker/faces/archiver/events";
import { eq } from "drizzle-orm";
import { call } from "../../support/http";
import { createUser } from "../../support/users";
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

  it("should accept a JWT or key offered as a bearer. subprotocol, select media-platform and never echo the credential", async () => {
    const job = await seedJob(env, {}, { status: "waiting", childrenTotal: 3, childrenSucceeded: 1, progress: 33 });
    const { token } = await createUser(env);
    const byJwt = await open(`/ws/jobs/${job.id}`, { "Sec-WebSocket-Protocol": `media-platform, bearer.${token}` });
    expect(byJwt.res.status).toBe(101);
    expect(byJwt.res.headers.get("Sec-WebSocket-Protocol")).toBe("media-platform");
    await until(() => byJwt.messages.length >= 1);
    expect(byJwt.messages[0]).toMatchObject({ type: "job", job: { id: job.id, status: "running", progress: 33, total_videos: 3, successful_downloads: 1 }, final: false });

    const key = (await archiverKey(env))["X-API-Key"]!;
    const byKey = await open(`/ws/jobs/${job.id}`, { "Sec-WebSocket-Protocol": `bearer.${key}, media-platform` });
    expect(byKey.res.status).toBe(101);
    expect(byKey.res.headers.get("Sec-WebSocket-Protocol")).toBe("media-platform");
    byJwt.ws!.close();
    byKey.ws!.close();
  });

  it("should refuse a wrong or unselectable subprotocol credential with 401 in the face's shape", async () => {
    const job = await seedJob(env, {}, { status: "waiting", childrenTotal: 1 });
    const wrong = await open(`/ws/jobs/${job.id}`, { "Sec-WebSocket-Protocol": "media-platform, bearer.not-a-real-token" });
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.json()).toEqual({ detail: "Invalid token" });
    const revokedLooking = await open(`/ws/jobs/${job.id}`, { "Sec-WebSocket-Protocol": `media-platform, bearer.mpk_${"A".repeat(32)}` });
    expect(revokedLooking.res.status).toBe(401);
    expect(await revokedLooking.res.json()).toEqual({ detail: "Invalid API key" });
    // Only the token is offered: the 101 would have to select (echo) it, so the handshake is refused.
    const { token } = await createUser(env);
    const alone = await open(`/ws/jobs/${job.id}`, { "Sec-WebSocket-Protocol": `bearer.${token}` });
    expect(alone.res.status).toBe(401);
    expect(await alone.res.json()).toEqual({ detail: "Offer the media-platform subprotocol beside bearer.<token>" });
    // REST routes do not read the subprotocol: it is a handshake credential only.
    expect((await call("/api/v1/jobs", { headers: { "Sec-WebSocket-Protocol": `media-platform, bearer.${token}` } })).status).toBe(401);
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
