/**
 * The HLS task's failure paths inside workerd (real D1 and R2; the transcoder is unreachable here, which is
 * itself the retryable failure): a failed run leaves none of its rows or objects, a new run forgets the
 * earlier runs', a retryable failure keeps the video waiting, and a final one ends it in `error`.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { files, socialVideos, socialVideoSegments } from "../../../../worker/db/schema";
import { hlsTaskKey, SOCIAL_VIDEO_HLS_KIND } from "../../../../worker/faces/social/hls-task";
import { registerTaskKinds } from "../../../../worker/task-kinds";
import { claimNextTask } from "../../../../worker/tasks/engine";
import { runClaimedTask } from "../../../../worker/tasks/consumer";
import { r2Keys } from "./client";
import { clearTasks, insertTask } from "../../support/tasks";

beforeAll(() => registerTaskKinds());

async function videoWithOriginal(opts: { hlsAttempt?: number; withOriginal?: boolean } = {}) {
  const now = new Date();
  const prefix = `social/videos/${crypto.randomUUID()}/`;
  let fileId: string | null = null;
  if (opts.withOriginal !== false) {
    const key = `${prefix}clip.mp4`;
    await env.MEDIA.put(key, new Uint8Array(64));
    fileId = crypto.randomUUID();
    await getDb(env).insert(files).values({ id: fileId, r2Key: key, size: 64, contentType: "video/mp4", etag: '"x"', retention: "keep", lastAccessedAt: now });
  }
  return getDb(env)
    .insert(socialVideos)
    .values({ kind: "standalone", filename: "clip.mp4", fileId, r2Prefix: prefix, hlsAttempt: opts.hlsAttempt ?? 0, createdAt: now, updatedAt: now })
    .returning()
    .get();
}

/** Rows and objects as a run leaves them when it stops half-way. */
async function halfWritten(video: { id: number; r2Prefix: string }, attempt: number) {
  for (const sequence of [0, 1]) {
    const name = `240p_0000${sequence}.ts`;
    const key = `${video.r2Prefix}hls/r${attempt}/${name}`;
    await env.MEDIA.put(key, new Uint8Array(10));
    await getDb(env)
      .insert(socialVideoSegments)
      .values({ videoId: video.id, attempt, kind: "segment", rendition: "240p", sequence, name, r2Key: key, size: 10, contentType: "video/mp2t" });
  }
}

async function runOnce(videoId: number, task: { attempts: number; maxRetries: number }) {
  await clearTasks(env);
  await insertTask(env, { kind: SOCIAL_VIDEO_HLS_KIND, payload: { videoId }, idempotencyKey: hlsTaskKey(videoId), attempts: task.attempts, maxRetries: task.maxRetries });
  const claimed = await claimNextTask(env);
  return runClaimedTask(env, claimed!);
}

const rowsOf = (videoId: number) =>
  env.DB.prepare("SELECT attempt, name FROM social_video_segments WHERE video_id = ? ORDER BY attempt, name").bind(videoId).all().then((r) => r.results);
const videoRow = (id: number) => env.DB.prepare("SELECT status, error_message, hls_attempt FROM social_videos WHERE id = ?").bind(id).first();

describe("social.video.hls failures", () => {
  it("should remove a failed run's rows and objects and keep the video pending while the engine retries", async () => {
    const video = await videoWithOriginal({ hlsAttempt: 1 });
    await halfWritten(video, 1);
    // The run about to start is run 2; what it will have written before failing is simulated up front.
    await halfWritten(video, 2);

    const outcome = await runOnce(video.id, { attempts: 0, maxRetries: 3 });
    expect(outcome.status).toBe("queued");
    expect(await rowsOf(video.id)).toEqual([]);
    expect(await r2Keys(`${video.r2Prefix}hls/`)).toEqual([]);
    expect(await r2Keys(video.r2Prefix)).toEqual([`${video.r2Prefix}clip.mp4`]);
    expect(await videoRow(video.id)).toEqual({ status: "pending", error_message: null, hls_attempt: 2 });
  });

  it("should end the video in error with the reason when the last attempt fails", async () => {
    const video = await videoWithOriginal();
    const outcome = await runOnce(video.id, { attempts: 3, maxRetries: 3 });
    expect(outcome.status).toBe("dead");
    const row = await videoRow(video.id);
    expect(row?.status).toBe("error");
    expect(String(row?.error_message)).toContain("transcoder unreachable");
  });

  it("should end the video in error at once when its original is gone (not retryable)", async () => {
    const video = await videoWithOriginal({ withOriginal: false });
    const outcome = await runOnce(video.id, { attempts: 0, maxRetries: 3 });
    expect(outcome.status).toBe("dead");
    expect(await videoRow(video.id)).toEqual({ status: "error", error_message: "the uploaded original is gone", hls_attempt: 1 });
  });

  it("should finish quietly when the video was removed before its turn", async () => {
    const outcome = await runOnce(987_654_321, { attempts: 0, maxRetries: 3 });
    expect(outcome.status).toBe("succeeded");
  });
});
