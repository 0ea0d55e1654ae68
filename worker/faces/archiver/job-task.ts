/**
 * The `archiver.job` task: enumerate the profile's or hashtag's videos with the transcoder's `list`
 * operation (yt-dlp), record them, fan out one `archiver.video` child per video, wait, and end `succeeded`
 * (the job is `completed`, failed videos counted) or `dead` when nothing could be archived. The listing is
 * a saved step: a crash after it never lists again.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { archiverJobs, archiverVideos, type ArchiverJobRow, type TaskRow } from "../../db/schema";
import { getConfig } from "../../env";
import { transcoderFor } from "../../media/transcoder-client";
import { toFixtureUrl } from "../../sources/fixture-origin";
import { TaskError } from "../../tasks/errors";
import type { ChildSettledContext, TaskHandler } from "../../tasks/registry";
import { publishJobEvent } from "./events";
import { recordFoundVideos } from "./jobs";
import { ARCHIVER_VIDEO_KIND } from "./kinds";

const payloadSchema = z.object({ jobId: z.string() });
const listedSchema = z.array(z.object({ id: z.string(), url: z.string(), timestamp: z.number().nullish() }));
type Listed = z.infer<typeof listedSchema>;

/** Where TikTok lists a profile's or a hashtag's videos (the extractors yt-dlp has for them). */
export function sourceUrl(job: Pick<ArchiverJobRow, "mode" | "value">): URL {
  const value = encodeURIComponent(job.value);
  return new URL(job.mode === "profile" ? `https://www.tiktok.com/@${value}` : `https://www.tiktok.com/tag/${value}`);
}

/** `TikTok/{mode}/{value}/{yyyy}/{mm}`, by the video's creation time (the archive time when unknown). */
export function folderPathOf(job: Pick<ArchiverJobRow, "mode" | "value">, createdAt: Date): string {
  const yyyy = String(createdAt.getUTCFullYear());
  const mm = String(createdAt.getUTCMonth() + 1).padStart(2, "0");
  return `TikTok/${job.mode}/${job.value}/${yyyy}/${mm}`;
}

/**
 * The video's address as TikTok's own (`https://www.tiktok.com/@user/video/<id>`), also when the listing
 * came from the test fixture origin; the download maps it back there, as every face's source URLs are.
 */
export function canonicalVideoUrl(listed: string, id: string): string {
  const m = /\/@([^/]+)\/video\/([^/?#]+)/.exec(new URL(listed).pathname);
  return m && m[2] === id ? `https://www.tiktok.com/@${m[1]}/video/${id}` : listed;
}

export const runArchiveJob: TaskHandler = async (ctx) => {
  const { env, task } = ctx;
  const { jobId } = payloadSchema.parse(task.payload);
  const job = await getDb(env).select().from(archiverJobs).where(eq(archiverJobs.id, jobId)).get();
  if (!job) return { skipped: "job deleted" };

  const settled = task.childrenSucceeded + task.childrenFailed + task.childrenCancelled;
  if (task.childrenTotal > 0 && settled >= task.childrenTotal) {
    if (task.childrenSucceeded === 0 && task.childrenFailed > 0) {
      throw new TaskError("archiver.all_failed", `none of the ${task.childrenTotal} videos could be archived`, false);
    }
    return { total: task.childrenTotal, succeeded: task.childrenSucceeded, failed: task.childrenFailed };
  }

  let listed: Listed;
  if (ctx.steps.list) {
    listed = listedSchema.parse(ctx.steps.list);
  } else {
    const config = getConfig(env);
    const result = await transcoderFor(env).run(
      "list",
      {
        url: toFixtureUrl(sourceUrl(job), config.fixtureOrigin),
        service: "tiktok",
        limit: job.limit,
        since: job.since?.toISOString(),
        until: job.until?.toISOString(),
      },
      async (event) => {
        if (event.type === "progress") await ctx.progress(Math.min(5, event.percent), "listing");
      },
      ctx.signal,
    );
    listed = result.entries.slice(0, job.limit).map((e) => ({ id: e.id, url: canonicalVideoUrl(e.url, e.id), timestamp: e.timestamp ?? null }));
    await ctx.saveStep("list", listed);
  }
  if (listed.length === 0) return { total: 0, succeeded: 0, failed: 0 };

  const now = new Date();
  await recordFoundVideos(
    env,
    job,
    listed.map((e) => {
      const created = e.timestamp ? new Date(e.timestamp * 1000) : null;
      return { id: e.id, url: e.url, createdAtTiktok: created, folderPath: folderPathOf(job, created ?? now) };
    }),
  );
  await ctx.spawnChildren(listed.map((e) => ({ key: e.id, kind: ARCHIVER_VIDEO_KIND, payload: { jobId, videoId: e.id } })));
  await publishJobEvent(env, jobId);
  return ctx.waitForChildren();
};

const childPayload = z.object({ jobId: z.string(), videoId: z.string() });

/**
 * A video's child settled (counted into the job already): a failed or cancelled one marks its video
 * `failed` — unless the video is another job's and that job is archiving it — and the job's watchers hear
 * the new counters.
 */
export async function onVideoSettled(ctx: ChildSettledContext, child: TaskRow): Promise<void> {
  const parsed = childPayload.safeParse(child.payload);
  if (!parsed.success) return;
  const db = getDb(ctx.env);
  let video = await db.select().from(archiverVideos).where(eq(archiverVideos.id, parsed.data.videoId)).get();
  if (video && child.status !== "succeeded" && video.status !== "uploaded" && (video.taskId === child.id || video.taskId === null)) {
    video =
      (await db
        .update(archiverVideos)
        .set({ status: "failed", errorMessage: (child.errorMessage ?? "failed").slice(0, 1000), taskId: null, updatedAt: new Date() })
        .where(eq(archiverVideos.id, video.id))
        .returning()
        .get()) ?? video;
  }
  await publishJobEvent(ctx.env, ctx.parent.id, video);
}

/** The job's task ended (completed, failed or cancelled): record when, and tell its watchers (final). */
export async function onJobEnded(env: Env, task: TaskRow): Promise<void> {
  const parsed = payloadSchema.safeParse(task.payload);
  if (!parsed.success) return;
  await getDb(env)
    .update(archiverJobs)
    .set({ completedAt: task.finishedAt ?? new Date() })
    .where(eq(archiverJobs.id, parsed.data.jobId));
  await publishJobEvent(env, parsed.data.jobId);
}
