/**
 * The `social.video.hls` task: one uploaded video → the transcoder's ladder in R2 under the video's prefix,
 * each segment recorded in D1 as soon as it is uploaded (so the playlist routes serve a growing EVENT
 * playlist while processing), then the files registered, the measured ladder stored and the video `ready`.
 *
 * Status: `processing` from the transcoder's first event, `ready` at `done`, `error` when the task fails
 * for good. Runs: every run takes the next `hls_attempt` number and writes under `<r2_prefix>hls/r<n>/`; only the
 * current run's rows are served, a failed run's rows and objects are removed at once, and a run that
 * finds itself superseded (a stale runner) changes nothing on the video.
 */
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { OutputFile } from "../../../protocol/transcoder";
import { getDb } from "../../db/client";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../../db/d1-limits";
import { files, socialReels, socialStories, socialVideos, socialVideoSegments, tasks, type SocialVideoRow, type TaskRow } from "../../db/schema";
import { getConfig } from "../../env";
import { newId } from "../../lib/ids";
import { deletePrefix } from "../../media/orphans";
import { downloadUrlFor, uploadUrlFor } from "../../media/signed-urls";
import { transcoderFor } from "../../media/transcoder-client";
import { cancelTask } from "../../tasks/cancel";
import { submitTask } from "../../tasks/engine";
import { TaskError, toTaskError } from "../../tasks/errors";
import type { TaskHandler } from "../../tasks/registry";
import { HLS_SEGMENT_SECONDS } from "./hls-playlists";
import { purgeStored } from "./storage";

export const SOCIAL_VIDEO_HLS_KIND = "social.video.hls";
const payloadSchema = z.object({ videoId: z.number().int().positive() });

export const hlsTaskKey = (videoId: number) => `${SOCIAL_VIDEO_HLS_KIND}:${videoId}`;
export const hlsRunPrefix = (video: Pick<SocialVideoRow, "r2Prefix">, attempt: number) => `${video.r2Prefix}hls/r${attempt}`;

/** Queue the ladder of a freshly uploaded video (one task per video, whoever submits it). */
export async function submitVideoHls(env: Env, videoId: number, ownerUserId: number | null): Promise<void> {
  await submitTask(env, { kind: SOCIAL_VIDEO_HLS_KIND, payload: { videoId }, idempotencyKey: hlsTaskKey(videoId), face: "social", ownerUserId });
}

/**
 * Stops the ladder of a video being removed: a running runner aborts at its next heartbeat (its transcoder
 * request with it) and cleans its run's prefix, so segments uploaded after the removal's purge do not stay.
 */
export async function stopVideoHls(env: Env, videoId: number): Promise<void> {
  const task = await getDb(env).select({ id: tasks.id }).from(tasks).where(eq(tasks.idempotencyKey, hlsTaskKey(videoId))).get();
  if (task) await cancelTask(env, task.id);
}

const segmentKind = (o: OutputFile) =>
  o.kind === "video" ? "segment" : o.kind === "image" ? "poster" : o.rendition ? "playlist" : "master";

/** Statements per D1 batch when registering a ladder's files (one round trip each). */
const REGISTER_BATCH = 50;

export const runSocialVideoHlsTask: TaskHandler = async ({ env, task, progress, signal }) => {
  const { videoId } = payloadSchema.parse(task.payload);
  const db = getDb(env);
  const video = await db
    .update(socialVideos)
    .set({ hlsAttempt: sql`${socialVideos.hlsAttempt} + 1`, updatedAt: new Date() })
    .where(eq(socialVideos.id, videoId))
    .returning()
    .get();
  // Removed before its turn: its objects went with it.
  if (!video) return { skipped: "video removed" };
  const attempt = video.hlsAttempt;
  const prefix = hlsRunPrefix(video, attempt);
  await forgetEarlierRuns(env, video, attempt);
  try {
    return await ladderIntoPrefix(env, { video, attempt, prefix, runOf: { taskId: task.id, leaseToken: task.leaseToken }, progress, signal });
  } catch (err) {
    await db.delete(socialVideoSegments).where(and(eq(socialVideoSegments.videoId, videoId), eq(socialVideoSegments.attempt, attempt)));
    await deletePrefix(env, prefix).catch((cleanup: unknown) =>
      console.warn(JSON.stringify({ level: "warn", event: "task.cleanup_failed", taskId: task.id, prefix, error: String(cleanup) })),
    );
    // The engine retries a retryable failure while attempts remain (the video keeps its status); when it
    // ends the task for good, `markVideoFailed` records why.
    throw toTaskError(err);
  }
};

/** Rows and objects of runs before `attempt` (a runner that vanished never cleaned up after itself). */
async function forgetEarlierRuns(env: Env, video: SocialVideoRow, attempt: number) {
  await getDb(env).delete(socialVideoSegments).where(and(eq(socialVideoSegments.videoId, video.id), lt(socialVideoSegments.attempt, attempt)));
  const current = `${hlsRunPrefix(video, attempt)}/`;
  let cursor: string | undefined;
  do {
    const listed = await env.MEDIA.list({ prefix: `${video.r2Prefix}hls/`, cursor, limit: 1000 });
    const stale = listed.objects.map((o) => o.key).filter((k) => !k.startsWith(current));
    if (stale.length > 0) await env.MEDIA.delete(stale);
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
}

async function ladderIntoPrefix(
  env: Env,
  run: {
    video: SocialVideoRow;
    attempt: number;
    prefix: string;
    /** The task run this ladder writes for (its uploads are bound to it). */
    runOf: { taskId: string; leaseToken: string | null };
    progress: (p: number, s?: string) => Promise<void>;
    signal: AbortSignal;
  },
) {
  const { video, attempt, prefix } = run;
  const config = getConfig(env);
  const db = getDb(env);
  const original = video.fileId ? await db.select().from(files).where(eq(files.id, video.fileId)).get() : undefined;
  if (!original) throw new TaskError("social.original_missing", "the uploaded original is gone", false);
  const source = await downloadUrlFor(env, original.r2Key, config.TASK_LEASE_SECONDS * 4);
  const uploadUrl = await uploadUrlFor(env, prefix, config.TASK_LEASE_SECONDS * 4, config.MAX_MEDIA_BYTES, run.runOf);

  const recorder = segmentRecorder(env);
  // `processing` once the transcoder has taken the work (its first event), not when a runner merely
  // tried: a video whose transcoder cannot be reached stays `pending` while the engine retries.
  let started = false;
  const result = await transcoderFor(env).run(
    "hls",
    { taskId: run.runOf.taskId, source, output: { uploadUrl, maxBytes: config.MAX_MEDIA_BYTES }, segmentSeconds: HLS_SEGMENT_SECONDS },
    async (event) => {
      if (!started) {
        started = true;
        await db
          .update(socialVideos)
          .set({ status: "processing", errorMessage: null, updatedAt: new Date() })
          .where(and(eq(socialVideos.id, video.id), eq(socialVideos.hlsAttempt, attempt)));
      }
      if (event.type === "progress") await run.progress(event.percent, event.stage);
      if (event.type === "output") {
        const o = event.output;
        recorder.add({
          videoId: video.id,
          attempt,
          kind: segmentKind(o),
          rendition: o.rendition ?? null,
          sequence: o.kind === "video" ? o.index : -1,
          name: o.name,
          r2Key: `${prefix}/${o.name}`,
          size: o.size,
          contentType: o.contentType,
          durationSeconds: o.durationSeconds ?? null,
          width: o.width ?? null,
          height: o.height ?? null,
        });
      }
      await recorder.flushIfDue();
    },
    run.signal,
  );
  await recorder.flush();

  const fileIds = await registerRun(env, prefix, run.runOf.taskId);
  const posterFileId = fileIds.get(`${prefix}/${result.poster}`) ?? null;
  const ladder = {
    durationSeconds: result.durationSeconds,
    hasAudio: result.hasAudio,
    renditions: result.renditions.map(({ name, width, height, bandwidth, averageBandwidth, codecs, frameRate }) => ({
      name,
      width,
      height,
      bandwidth,
      averageBandwidth,
      codecs,
      frameRate,
    })),
  };
  const now = new Date();
  const updated = await db
    .update(socialVideos)
    .set({ status: "ready", errorMessage: null, hlsLadder: ladder, posterFileId, updatedAt: now })
    .where(and(eq(socialVideos.id, video.id), eq(socialVideos.hlsAttempt, attempt)))
    .returning({ id: socialVideos.id });
  if (updated.length === 0) {
    // Removed while the ladder ran (or superseded by a newer run): what this run stored belongs to nobody.
    await purgeStored(env, { fileIds: [...fileIds.values()], prefixes: [`${prefix}/`] });
    return { skipped: "video removed or superseded", videoId: video.id, attempt };
  }
  if (posterFileId) {
    // The poster is the preview of a story or reel that has none of its own.
    await db.batch([
      db.update(socialStories).set({ previewFileId: posterFileId }).where(and(eq(socialStories.videoId, video.id), isNull(socialStories.previewFileId))),
      db.update(socialReels).set({ previewFileId: posterFileId }).where(and(eq(socialReels.videoId, video.id), isNull(socialReels.previewFileId))),
    ]);
  }
  return { videoId: video.id, attempt, renditions: ladder.renditions.map((r) => r.name), durationSeconds: ladder.durationSeconds };
}

/** Columns bound per segment row; a multi-row INSERT stays under D1's bound-parameter cap. */
const SEGMENT_COLUMNS = 14;
/** Rows reach D1 at most this often (the first at once), so the playlists trail the transcoder by at most this. */
const RECORD_INTERVAL_MS = 1000;

/**
 * Segment rows written in multi-row INSERTs, at most once per interval: four rungs report a segment each
 * within milliseconds, and one statement per report would spend a long video's D1 query budget per
 * invocation (DESIGN.md: 1,000) on bookkeeping.
 */
function segmentRecorder(env: Env) {
  const db = getDb(env);
  const pending: (typeof socialVideoSegments.$inferInsert)[] = [];
  let last = 0;
  const flush = async () => {
    const rows = pending.splice(0);
    for (const part of chunksOf(rows, Math.floor(D1_MAX_BOUND_PARAMETERS / SEGMENT_COLUMNS))) {
      await db.insert(socialVideoSegments).values(part).onConflictDoNothing();
    }
    last = Date.now();
  };
  return {
    add: (row: typeof socialVideoSegments.$inferInsert) => void pending.push(row),
    flush,
    flushIfDue: () => {
      // A rung's first segment makes it playable: that one is written at once.
      const opensRung = pending.some((r) => r.kind === "segment" && r.sequence === 0);
      return pending.length > 0 && (opensRung || Date.now() - last >= RECORD_INTERVAL_MS) ? flush() : Promise.resolve();
    },
  };
}

/**
 * Registers every object the run stored (retention `keep`), as listed by R2 — which is also the check
 * that what the transcoder reported exists — in a few batched statements rather than one per segment.
 * Returns file ids by R2 key.
 */
async function registerRun(env: Env, prefix: string, taskId: string): Promise<Map<string, string>> {
  const db = getDb(env);
  const ids = new Map<string, string>();
  const objects: R2Object[] = [];
  let cursor: string | undefined;
  do {
    const listed = await env.MEDIA.list({ prefix: `${prefix}/`, cursor, limit: 1000, include: ["httpMetadata"] });
    objects.push(...listed.objects);
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  const now = new Date();
  for (const part of chunksOf(objects, REGISTER_BATCH)) {
    const statements = part.map((o) =>
      db
        .insert(files)
        .values({
          id: newId(),
          r2Key: o.key,
          size: o.size,
          contentType: o.httpMetadata?.contentType ?? "application/octet-stream",
          etag: o.httpEtag,
          sourceTaskId: taskId,
          retention: "keep",
          createdAt: now,
          lastAccessedAt: now,
        })
        .onConflictDoUpdate({ target: files.r2Key, set: { size: o.size, etag: o.httpEtag } })
        .returning({ id: files.id, key: files.r2Key }),
    );
    const [first, ...rest] = statements;
    if (!first) continue;
    for (const rows of await db.batch([first, ...rest])) for (const row of rows) ids.set(row.key, row.id);
  }
  return ids;
}

/**
 * The kind's `onEnded` hook: when the task ended dead (the runner's last failure, or cron found its lease
 * lapsed with no attempts left) or cancelled, a video still waiting on it says why it never got ready.
 */
export async function markVideoFailed(env: Env, task: TaskRow): Promise<void> {
  const parsed = payloadSchema.safeParse(task.payload);
  if (task.status === "succeeded" || !parsed.success) return;
  await getDb(env)
    .update(socialVideos)
    .set({ status: "error", errorMessage: (task.errorMessage ?? "processing failed").slice(0, 1000), updatedAt: new Date() })
    .where(and(eq(socialVideos.id, parsed.data.videoId), inArray(socialVideos.status, ["pending", "processing"])));
}
