/**
 * Seed 004's videos without HTTP: the filtered list (every filter walks an index: see the plans in
 * test/worker/faces/archiver/videos-list.test.ts), one video, retry of a failed one, removal.
 */
import { and, count, desc, eq, type SQL } from "drizzle-orm";
import { getDb } from "../../db/client";
import { archiverVideoHashtags, archiverVideos, tasks } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { deleteFiles } from "../../media/store";
import { childKey, retryChild } from "../../tasks/children";
import { publishJobEvent } from "./events";
import { MESSAGES } from "./jobs";
import { presentVideo } from "./presenters";
import type { VideoFilters, VideoView } from "./schemas";

function conditions(f: VideoFilters): SQL[] {
  const where: SQL[] = [];
  if (f.mode) where.push(eq(archiverVideos.mode, f.mode));
  if (f.value !== undefined) where.push(eq(archiverVideos.value, f.value));
  if (f.author_username !== undefined) where.push(eq(archiverVideos.authorUsername, f.author_username));
  if (f.status) where.push(eq(archiverVideos.status, f.status));
  return where;
}

const normalizedTag = (tag: string) => tag.replace(/^#/, "").toLowerCase();

/**
 * The page and count queries of `GET /videos` (exported so their plans can be checked). Each filter walks
 * an index on (filter, created_at, id) — `archiver_videos_{value,author,status}_idx`, or the hashtag table's
 * key — so a page costs `offset + limit` index steps and no sort, whatever the number of videos.
 */
export function videoQueries(env: Env, f: VideoFilters) {
  const db = getDb(env);
  const where = conditions(f);
  if (f.hashtag !== undefined) {
    const tag = eq(archiverVideoHashtags.tag, normalizedTag(f.hashtag));
    const tagged = and(tag, ...where);
    return {
      page: db
        .select({ video: archiverVideos })
        .from(archiverVideoHashtags)
        .innerJoin(archiverVideos, eq(archiverVideos.id, archiverVideoHashtags.videoId))
        .where(tagged)
        .orderBy(desc(archiverVideoHashtags.createdAt), desc(archiverVideoHashtags.videoId))
        .limit(f.limit)
        .offset(f.offset),
      // With the hashtag alone the tag rows are the count (the table's key covers it); other filters join.
      count:
        where.length === 0
          ? db.select({ n: count() }).from(archiverVideoHashtags).where(tag)
          : db.select({ n: count() }).from(archiverVideoHashtags).innerJoin(archiverVideos, eq(archiverVideos.id, archiverVideoHashtags.videoId)).where(tagged),
    };
  }
  const filter = where.length > 0 ? and(...where) : undefined;
  return {
    page: db
      .select({ video: archiverVideos })
      .from(archiverVideos)
      .where(filter)
      .orderBy(desc(archiverVideos.createdAt), desc(archiverVideos.id))
      .limit(f.limit)
      .offset(f.offset),
    count: db.select({ n: count() }).from(archiverVideos).where(filter),
  };
}

export async function listVideos(env: Env, f: VideoFilters): Promise<{ total: number; videos: VideoView[] }> {
  const { page, count: counted } = videoQueries(env, f);
  const [rows, [total]] = await Promise.all([page, counted]);
  return { total: total?.n ?? 0, videos: rows.map((r) => presentVideo(r.video)) };
}

async function findVideo(env: Env, id: string) {
  const video = await getDb(env).select().from(archiverVideos).where(eq(archiverVideos.id, id)).get();
  if (!video) throw new AppError(404, MESSAGES.videoMissing, "video.missing");
  return video;
}

export async function getVideo(env: Env, id: string): Promise<VideoView> {
  return presentVideo(await findVideo(env, id));
}

/**
 * Downloads (and delivers) a failed video again, as its job's child: the job counts it once more and is
 * `running` until it settles. 409 for a video that has not failed, or whose job was cancelled.
 */
export async function retryVideo(env: Env, id: string): Promise<VideoView> {
  const video = await findVideo(env, id);
  if (video.status !== "failed") throw new AppError(409, `Only a failed video can be retried (this one is ${video.status})`, "video.not_failed");
  const child = await getDb(env).select({ id: tasks.id }).from(tasks).where(eq(tasks.idempotencyKey, childKey(video.jobId, video.id))).get();
  const reopened = child ? await retryChild(env, child.id) : undefined;
  if (!reopened) throw new AppError(409, "This video cannot be retried now (its job was cancelled, or a retry is already running)", "video.not_retryable");
  const row = await getDb(env)
    .update(archiverVideos)
    .set({ status: "pending", errorMessage: null, updatedAt: new Date() })
    .where(and(eq(archiverVideos.id, id), eq(archiverVideos.status, "failed")))
    .returning()
    .get();
  await publishJobEvent(env, video.jobId, row ?? video);
  return presentVideo(row ?? video);
}

/** Removes the record and the platform's stored copy (the document: a Drive copy is not deleted). */
export async function deleteVideo(env: Env, id: string): Promise<void> {
  const video = await findVideo(env, id);
  await getDb(env).delete(archiverVideos).where(eq(archiverVideos.id, id));
  const fileIds = [video.fileId, video.metadataFileId].filter((f): f is string => !!f);
  if (fileIds.length > 0) await deleteFiles(env, fileIds);
}
