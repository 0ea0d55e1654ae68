/**
 * Seed 004's jobs and videos through the Worker, on seeded rows (the transcoder is not part of this
 * project; test/e2e/archiver.e2e.test.ts runs real jobs): validation in FastAPI's shape, the documented
 * bodies, links, cancel, delete with its stored files, retry of a failed video with exact counters, and the
 * zip of a job.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { archiverVideos, tasks } from "../../../../worker/db/schema";
import { registerFile } from "../../../../worker/media/store";
import { getTask } from "../../../../worker/tasks/engine";
import { insertTask } from "../../support/tasks";
import { zipEntries } from "../../../support/zip-entries";
import { archiverKey, callWith, seedJob, seedVideo } from "./support";

async function storedFile(key: string, bytes: Uint8Array) {
  const obj = await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: "video/mp4" } });
  return registerFile(env, { key, size: obj!.size, contentType: "video/mp4", etag: obj!.httpEtag, retention: "keep" });
}

describe("seed 004 jobs", () => {
  it("should refuse bad job bodies with FastAPI's 422, naming the field", async () => {
    const post = callWith(await archiverKey(env));
    const cases: [unknown, string, RegExp][] = [
      [{ mode: "profile", value: "@khaby.lame" }, "value", /without a leading @/],
      [{ mode: "hashtag", value: "#funny" }, "value", /#/],
      [{ mode: "profile", value: "khaby.lame", limit: 0 }, "limit", /./],
      [{ mode: "profile", value: "khaby.lame", limit: 201 }, "limit", /./],
      [{ mode: "user", value: "khaby.lame" }, "mode", /./],
      [{ value: "khaby.lame" }, "mode", /./],
      [{ mode: "profile", value: "khaby.lame", since: "2024-12-31T00:00:00Z", until: "2024-01-01T00:00:00Z" }, "since", /later than until/],
      [{ mode: "profile", value: "khaby.lame", since: "yesterday" }, "since", /ISO 8601/],
    ];
    for (const [body, field, msg] of cases) {
      const res = await post("/api/v1/jobs", { method: "POST", body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(422);
      const { detail } = (await res.json()) as { detail: { loc: string[]; msg: string; type: string }[] };
      const issue = detail.find((d) => d.loc.at(-1) === field);
      expect(issue, `${JSON.stringify(body)} → ${JSON.stringify(detail)}`).toBeDefined();
      expect(issue!.msg).toMatch(msg);
    }
  });

  it("should create a job with every documented field and its defaults", async () => {
    const post = callWith(await archiverKey(env));
    const res = await post("/api/v1/jobs", { method: "POST", body: JSON.stringify({ mode: "profile", value: "khaby.lame" }) });
    expect(res.status).toBe(201);
    const job = (await res.json()) as Record<string, unknown>;
    expect(job).toMatchObject({ mode: "profile", value: "khaby.lame", limit: 50, no_watermark: true, progress: 0, total_videos: 0, successful_downloads: 0, failed_downloads: 0 });
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(["pending", "running"]).toContain(job.status);
    expect(new Date(String(job.created_at)).toISOString()).toBe(job.created_at);
  });

  it("should show a job with its videos and signed links to the stored copies when Drive is not configured", async () => {
    const get = callWith(await archiverKey(env));
    const job = await seedJob(env, {}, { status: "succeeded", childrenTotal: 2, childrenSucceeded: 1, childrenFailed: 1, progress: 100, finishedAt: new Date() });
    const bytes = crypto.getRandomValues(new Uint8Array(4096));
    const file = await storedFile(`TikTok/profile/archive.alice/2025/01/${job.id}/0.mp4`, bytes);
    const ok = await seedVideo(env, job.id, { fileId: file.id, views: 10, likes: 2 }, { position: 0 });
    const bad = await seedVideo(env, job.id, { status: "failed", errorMessage: "gone" }, { position: 1 });
    const res = await get(`/api/v1/jobs/${job.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job: Record<string, unknown>; videos: { id: string }[]; drive_links: { video_id: string; video_link: string; folder_path: string }[] };
    expect(body.job).toMatchObject({ id: job.id, status: "completed", progress: 100, total_videos: 2, successful_downloads: 1, failed_downloads: 1 });
    expect(body.videos.map((v) => v.id)).toEqual([ok.id, bad.id]);
    expect(body.videos[0]).toEqual({ id: ok.id, url: ok.url, author_username: "archive.alice", status: "uploaded", views: 10, likes: 2, drive_file_id: null });
    expect(body.drive_links).toHaveLength(1);
    expect(body.drive_links[0]).toMatchObject({ video_id: ok.id, folder_path: "TikTok/profile/archive.alice/2025/01" });
    const link = new URL(body.drive_links[0]!.video_link);
    const fetched = await get(link.pathname);
    expect(new Uint8Array(await fetched.arrayBuffer())).toEqual(bytes);

    const listed = (await (await get("/api/v1/jobs?status=completed&limit=500")).json()) as { id: string }[];
    expect(listed.map((j) => j.id)).toContain(job.id);
    const running = (await (await get("/api/v1/jobs?status=running&limit=500")).json()) as { id: string }[];
    expect(running.map((j) => j.id)).not.toContain(job.id);
    expect((await get("/api/v1/jobs/no-such-job")).status).toBe(404);
  });

  it("should cancel a job's pending videos and answer the job cancelled", async () => {
    const post = callWith(await archiverKey(env));
    const job = await seedJob(env, {}, { status: "waiting", childrenTotal: 2 });
    for (let i = 0; i < 2; i++) await insertTask(env, { kind: "archiver.video", parentId: job.id, runAfter: new Date(Date.now() + 3_600_000) });
    const res = await post(`/api/v1/jobs/${job.id}/cancel`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: job.id, status: "cancelled" });
    const children = await getDb(env).select({ status: tasks.status }).from(tasks).where(eq(tasks.parentId, job.id));
    expect(children.map((c) => c.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("should delete a job with 204, its own videos and their files, and only unlink another job's video", async () => {
    const call = callWith(await archiverKey(env));
    const other = await seedJob(env, {}, { status: "succeeded" });
    const shared = await seedVideo(env, other.id);
    const job = await seedJob(env, {}, { status: "succeeded" });
    const file = await storedFile(`TikTok/profile/archive.alice/2025/02/${job.id}/0.mp4`, new Uint8Array(100));
    const own = await seedVideo(env, job.id, { fileId: file.id });
    await getDb(env).insert((await import("../../../../worker/db/schema")).archiverJobVideos).values({ jobId: job.id, videoId: shared.id, position: 1 });

    const res = await call(`/api/v1/jobs/${job.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await getDb(env).select().from(archiverVideos).where(eq(archiverVideos.id, own.id)).get()).toBeUndefined();
    expect(await env.MEDIA.head(file.r2Key)).toBeNull();
    expect(await getDb(env).select().from(archiverVideos).where(eq(archiverVideos.id, shared.id)).get()).toBeDefined();
    expect((await call(`/api/v1/jobs/${job.id}`)).status).toBe(404);
  });

  it("should retry only a failed video, counting it out of its finished job until it settles again", async () => {
    const call = callWith(await archiverKey(env));
    const job = await seedJob(env, {}, { status: "succeeded", childrenTotal: 2, childrenSucceeded: 1, childrenFailed: 1, progress: 100, finishedAt: new Date() });
    const ok = await seedVideo(env, job.id, {}, { childStatus: "succeeded" });
    const failed = await seedVideo(env, job.id, { status: "failed", errorMessage: "download failed" }, { childStatus: "dead", position: 1 });

    expect((await call(`/api/v1/videos/${ok.id}/retry`, { method: "POST" })).status).toBe(409);
    const res = await call(`/api/v1/videos/${failed.id}/retry`, { method: "POST" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: failed.id, status: "pending", error_message: null });
    expect(await getTask(env, job.id)).toMatchObject({ status: "waiting", childrenFailed: 0, childrenSucceeded: 1 });
    const detail = (await (await call(`/api/v1/jobs/${job.id}`)).json()) as { job: { status: string; failed_downloads: number } };
    expect(detail.job).toMatchObject({ status: "running", failed_downloads: 0 });
    // Not failed any more: a second retry is refused.
    const again = await call(`/api/v1/videos/${failed.id}/retry`, { method: "POST" });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ detail: expect.stringContaining("failed") });
  });

  it("should delete a video's record and stored copy with 204", async () => {
    const call = callWith(await archiverKey(env));
    const job = await seedJob(env, {}, { status: "succeeded" });
    const file = await storedFile(`TikTok/profile/archive.alice/2025/03/${job.id}/0.mp4`, new Uint8Array(10));
    const video = await seedVideo(env, job.id, { fileId: file.id });
    const res = await call(`/api/v1/videos/${video.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await call(`/api/v1/videos/${video.id}`)).status).toBe(404);
    expect(await env.MEDIA.head(file.r2Key)).toBeNull();
  });

  it("should stream a zip of the job's archived videos under their folders, with metadata.json and an exact length", async () => {
    const call = callWith(await archiverKey(env));
    const job = await seedJob(env, {}, { status: "succeeded", childrenTotal: 3, childrenSucceeded: 2, childrenFailed: 1 });
    const a = new Uint8Array(200_000).map((_, i) => (i * 31 + 7) % 251);
    const b = crypto.getRandomValues(new Uint8Array(1234));
    const fa = await storedFile(`TikTok/profile/archive.alice/2025/01/va/0.mp4`, a);
    const fb = await storedFile(`TikTok/profile/archive.alice/2024/12/vb/0.mp4`, b);
    const va = await seedVideo(env, job.id, { fileId: fa.id }, { position: 0 });
    const vb = await seedVideo(env, job.id, { fileId: fb.id, folderPath: "TikTok/profile/archive.alice/2024/12" }, { position: 1 });
    const vc = await seedVideo(env, job.id, { status: "failed" }, { position: 2 });

    const res = await call(`/api/v1/jobs/${job.id}/archive.zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/zip");
    const zip = new Uint8Array(await res.arrayBuffer());
    expect(Number(res.headers.get("Content-Length"))).toBe(zip.byteLength);
    const entries = zipEntries(zip);
    expect([...entries.keys()].sort()).toEqual(
      ["metadata.json", `TikTok/profile/archive.alice/2024/12/${vb.id}.mp4`, `TikTok/profile/archive.alice/2025/01/${va.id}.mp4`].sort(),
    );
    expect(entries.get(`TikTok/profile/archive.alice/2025/01/${va.id}.mp4`)).toEqual(a);
    expect(entries.get(`TikTok/profile/archive.alice/2024/12/${vb.id}.mp4`)).toEqual(b);
    const metadata = JSON.parse(new TextDecoder().decode(entries.get("metadata.json"))) as { job: { id: string }; videos: { id: string; status: string }[] };
    expect(metadata.job.id).toBe(job.id);
    expect(metadata.videos.map((v) => [v.id, v.status])).toEqual([[va.id, "uploaded"], [vb.id, "uploaded"], [vc.id, "failed"]]);
  });
});
