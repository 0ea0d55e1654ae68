/**
 * The `archiver.video` task: one TikTok video of a job, archived once. It claims the video (so two jobs that
 * found it never fetch it twice), downloads it with the transcoder's `fetch` (no-watermark format when asked
 * and offered) into `TikTok/{mode}/{value}/{yyyy}/{mm}/{id}/`, records the document's metadata with a
 * `metadata.json` beside the file, then delivers to Google Drive when it is configured. Statuses follow the
 * document: pending → downloading → downloaded → (uploading →) uploaded, or failed (set when the task is
 * given up, by the job's settled-child hook). The video row is the record of the steps done: a retry after a
 * crash that followed the download delivers without downloading again.
 */
import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { z } from "zod";
import type { PostMetadata } from "../../../protocol/transcoder";
import { getDb } from "../../db/client";
import { archiverJobs, archiverVideoHashtags, archiverVideos, type ArchiverJobRow, type ArchiverVideoRow } from "../../db/schema";
import { getConfig } from "../../env";
import { deletePrefix } from "../../media/orphans";
import { uploadUrlFor } from "../../media/signed-urls";
import { putStream, registerFile, registerObject } from "../../media/store";
import { transcoderFor } from "../../media/transcoder-client";
import { toFixtureUrl } from "../../sources/fixture-origin";
import { TaskError, toTaskError } from "../../tasks/errors";
import type { TaskHandler, TaskRunContext } from "../../tasks/registry";
import { deliverToDrive, driveConfigured } from "./drive-delivery";
import { publishJobEvent } from "./events";
import { rowsPerInsert } from "./jobs";
import { presentVideo } from "./presenters";
import { chunksOf } from "../../db/d1-limits";

const payloadSchema = z.object({ jobId: z.string(), videoId: z.string() });

/** Statuses in which a video may be claimed by a task: not started, or failed before. */
const CLAIMABLE = ["pending", "failed"] as const;

export const runArchiveVideo: TaskHandler = async (ctx) => {
  const { env, task } = ctx;
  const { jobId, videoId } = payloadSchema.parse(task.payload);
  const db = getDb(env);
  const job = await db.select().from(archiverJobs).where(eq(archiverJobs.id, jobId)).get();
  if (!job) return { skipped: "job deleted" };

  const claimed = await db
    .update(archiverVideos)
    .set({ taskId: task.id, errorMessage: null, updatedAt: new Date() })
    .where(and(eq(archiverVideos.id, videoId), or(inArray(archiverVideos.status, [...CLAIMABLE]), eq(archiverVideos.taskId, task.id), isNull(archiverVideos.taskId))))
    .returning()
    .get();
  const current = claimed ?? (await db.select().from(archiverVideos).where(eq(archiverVideos.id, videoId)).get());
  if (!current) return { skipped: "video deleted" };
  if (current.status === "uploaded") {
    await releaseClaim(env, current, task.id);
    return { videoId, archived: "before" };
  }
  // Another job's task is archiving it right now: try again later (this does not fetch it a second time).
  if (!claimed) throw new TaskError("archiver.video_busy", "another job is archiving this video now", true);

  let video = claimed;
  if (video.status !== "downloaded" && video.status !== "uploading") video = await download(ctx, job, video);
  video = await deliver(ctx, job, video);
  return { videoId, status: video.status };
};

async function setStatus(env: Env, jobId: string, video: ArchiverVideoRow, set: Partial<typeof archiverVideos.$inferInsert>): Promise<ArchiverVideoRow> {
  const row = await getDb(env)
    .update(archiverVideos)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(archiverVideos.id, video.id))
    .returning()
    .get();
  if (!row) throw new TaskError("archiver.video_deleted", "the video was deleted", false);
  await publishJobEvent(env, jobId, row);
  return row;
}

async function releaseClaim(env: Env, video: ArchiverVideoRow, taskId: string) {
  await getDb(env).update(archiverVideos).set({ taskId: null }).where(and(eq(archiverVideos.id, video.id), eq(archiverVideos.taskId, taskId)));
}

async function download(ctx: TaskRunContext, job: ArchiverJobRow, video: ArchiverVideoRow): Promise<ArchiverVideoRow> {
  const { env, task } = ctx;
  const config = getConfig(env);
  const prefix = `${video.folderPath}/${video.id}`;
  video = await setStatus(env, job.id, video, { status: "downloading" });
  try {
    const uploadUrl = await uploadUrlFor(env, prefix, config.TASK_LEASE_SECONDS, config.MAX_MEDIA_BYTES, { taskId: task.id, leaseToken: task.leaseToken });
    const result = await transcoderFor(env).run(
      "fetch",
      {
        taskId: task.id,
        url: toFixtureUrl(new URL(video.url), config.fixtureOrigin),
        service: "tiktok",
        select: { kind: "video", noWatermark: job.noWatermark, maxItems: 1 },
        output: { uploadUrl, maxBytes: config.MAX_MEDIA_BYTES },
      },
      async (event) => {
        if (event.type === "progress") await ctx.progress(event.percent, event.stage);
      },
      ctx.signal,
    );
    const output = result.outputs.find((o) => o.kind === "video");
    if (!output) throw new TaskError("archiver.not_a_video", "the post has no video", false);
    const key = `${prefix}/${output.name}`;
    const head = await env.MEDIA.head(key);
    if (!head || head.size !== output.size) throw new TaskError("upload.missing", `output ${output.name} was reported but not stored intact`, true);
    const file = await registerObject(env, head, { contentType: output.contentType, sourceTaskId: task.id, retention: "keep" });

    const fields = metadataFields(result.metadata, { title: result.title, uploader: result.uploader, durationSeconds: output.durationSeconds, size: head.size });
    const described = { ...video, ...fields, fileId: file.id };
    const metadataJson = JSON.stringify(presentVideo({ ...described, status: "downloaded" }), null, 2);
    const metadataBytes = new TextEncoder().encode(metadataJson);
    const stored = await putStream(env.MEDIA, `${prefix}/metadata.json`, new Blob([metadataBytes]).stream(), {
      contentType: "application/json",
      length: metadataBytes.byteLength,
      maxBytes: metadataBytes.byteLength,
    });
    const metadataFile = await registerFile(env, { key: stored.key, size: stored.size, contentType: "application/json", etag: stored.etag, crc32: stored.crc32, sourceTaskId: task.id, retention: "keep" });
    await recordHashtags(env, video, fields.hashtags);
    return await setStatus(env, job.id, video, { ...fields, fileId: file.id, metadataFileId: metadataFile.id, status: "downloaded" });
  } catch (err) {
    // Nothing half-written stays: what the attempt stored and did not register goes (registered files stay
    // with their rows, and the next attempt overwrites them in place).
    await deletePrefix(env, prefix).catch(() => undefined);
    throw toTaskError(err);
  }
}

/** The document's metadata fields from the transcoder's report (hashtags from the description when the extractor gives none). */
export function metadataFields(
  metadata: PostMetadata | undefined,
  fallback: { title: string; uploader?: string; durationSeconds?: number; size: number },
) {
  const desc: string | null = metadata?.description ?? fallback.title ?? null;
  const tags: string[] = metadata?.tags?.length ? metadata.tags : [...(desc ?? "").matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1]!);
  return {
    desc,
    authorUsername: metadata?.uploader ?? fallback.uploader ?? null,
    authorNickname: metadata?.uploaderName ?? null,
    views: metadata?.viewCount ?? null,
    likes: metadata?.likeCount ?? null,
    comments: metadata?.commentCount ?? null,
    shares: metadata?.shareCount ?? null,
    createdAtTiktok: metadata?.timestamp ? new Date(metadata.timestamp * 1000) : null,
    hashtags: [...new Set(tags.map((t) => t.toLowerCase()))].slice(0, 100),
    musicTitle: metadata?.track ?? null,
    hasWatermark: metadata?.hasWatermark ?? null,
    fileSize: fallback.size,
    duration: metadata?.durationSeconds ?? fallback.durationSeconds ?? null,
  };
}

async function recordHashtags(env: Env, video: ArchiverVideoRow, tags: string[]) {
  if (tags.length === 0) return;
  const db = getDb(env);
  const rows = tags.map((tag) => ({ tag, videoId: video.id, createdAt: video.createdAt }));
  for (const part of chunksOf(rows, rowsPerInsert(3))) await db.insert(archiverVideoHashtags).values(part).onConflictDoNothing();
}

async function deliver(ctx: TaskRunContext, job: ArchiverJobRow, video: ArchiverVideoRow): Promise<ArchiverVideoRow> {
  const { env } = ctx;
  if (!driveConfigured(env)) return setStatus(env, job.id, video, { status: "uploaded", taskId: null });
  video = await setStatus(env, job.id, video, { status: "uploading" });
  const delivered = await deliverToDrive(env, video, { parentFolderId: job.driveFolderId, signal: ctx.signal });
  return setStatus(env, job.id, video, { ...delivered, status: "uploaded", taskId: null });
}
