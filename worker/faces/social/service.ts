/**
 * Seed 002's content without HTTP: stories, reels, standalone videos and photos, their previews, metadata
 * and removal. Uploaded files arrive already stored (`readMultipart`); this module measures images, writes
 * the rows, and on any failure removes what the request stored. Videos start `pending` and their HLS
 * task (hls-task.ts) is submitted here; it moves them on.
 */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { getDb } from "../../db/client";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../../db/d1-limits";
import {
  files,
  socialLikes,
  socialPhotos,
  socialReels,
  socialStories,
  socialVideos,
  type SocialPhotoRow,
  type SocialReelRow,
  type SocialStoryRow,
  type SocialVideoRow,
} from "../../db/schema";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { deleteFiles } from "../../media/store";
import type { StoredUpload } from "../../media/uploads";
import { assertMayChange, creatorFor, type Actor } from "./access";
import { stopVideoHls, submitVideoHls } from "./hls-task";
import { measureStoredImage } from "./photos";
import * as P from "./presenters";
import { purgeStored } from "./storage";
import type { LocalizedField } from "./uploads";
import { InvalidInput } from "./validation";

export type Localized = Partial<Record<LocalizedField, string | null>>;

export const MESSAGES = {
  storyCreated: "Сторис успешно создан",
  storyRemoved: "Сторис успешно удален",
  storyMissing: "Сторис не найден",
  reelCreated: "Reels успешно создан",
  reelRemoved: "Reels успешно удален",
  reelMissing: "Reels не найден",
  previewUploaded: "Превью успешно загружено",
  previewMissing: "Превью не найдено",
  videoUploaded: "Видео успешно загружено и отправлено на обработку",
  videoRemoved: "Видео успешно удалено",
  videoMissing: "Видео не найдено",
  photoUploaded: "Фото успешно загружено",
  photoRemoved: "Фото успешно удалено",
  photoMissing: "Фото не найдено",
} as const;

export const storyPrefix = () => `social/stories/${newId()}/`;
export const reelPrefix = () => `social/reels/${newId()}/`;
export const videoPrefix = () => `social/videos/${newId()}/`;
export const photoPrefix = () => `social/photos/${newId()}/`;
export const previewPrefix = (entityPrefix: string) => `${entityPrefix}preview/`;

/** Statement parameters left for an id list once a statement's own are bound. */
const ID_CHUNK = D1_MAX_BOUND_PARAMETERS - 2;

const columnsOf = (t: Localized) => ({
  enTitle: t.en_title ?? null,
  kkTitle: t.kk_title ?? null,
  ruTitle: t.ru_title ?? null,
  enDescription: t.en_description ?? null,
  kkDescription: t.kk_description ?? null,
  ruDescription: t.ru_description ?? null,
});

/** Only the fields present: a PATCH keeps what it does not mention. */
function changedColumns(t: Localized) {
  const all = columnsOf(t);
  const keys: Record<LocalizedField, keyof typeof all> = {
    en_title: "enTitle",
    kk_title: "kkTitle",
    ru_title: "ruTitle",
    en_description: "enDescription",
    kk_description: "kkDescription",
    ru_description: "ruDescription",
  };
  const out: Partial<typeof all> = {};
  for (const [field, column] of Object.entries(keys) as [LocalizedField, keyof typeof all][]) {
    if (t[field] !== undefined) out[column] = all[column];
  }
  return out;
}

/** The client's file name without any path, bounded; never used as a key. */
export function displayName(name: string | undefined, fallback: string): string {
  const base = (name ?? "").split(/[\\/]/).pop()?.trim() ?? "";
  return (base || fallback).slice(0, 255);
}

/** Removes what an upload stored when the request fails after `readMultipart` returned. */
async function discard(env: Env, uploads: StoredUpload[]): Promise<void> {
  await deleteFiles(env, uploads.map((u) => u.fileId)).catch(() => undefined);
}

async function measured(env: Env, uploads: StoredUpload[], upload: StoredUpload) {
  try {
    return await measureStoredImage(env.MEDIA, upload.key, upload.size);
  } catch (err) {
    await discard(env, uploads);
    throw err;
  }
}

async function byIds<T>(ids: number[], load: (part: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunksOf([...new Set(ids)], ID_CHUNK)) out.push(...(await load(part)));
  return out;
}

const videosByIds = (env: Env, ids: (number | null)[]) =>
  byIds(
    ids.filter((id): id is number => id !== null),
    (part) => getDb(env).select().from(socialVideos).where(inArray(socialVideos.id, part)),
  ).then((rows) => new Map(rows.map((v) => [v.id, v])));

// ───────────── stories ─────────────

export async function createStory(env: Env, actor: Actor, input: { uploads: StoredUpload[]; text: Localized; prefix: string }) {
  const { uploads, text, prefix } = input;
  const videos = uploads.filter((u) => u.kind === "video");
  if (videos.length > 1) {
    await discard(env, uploads);
    throw new InvalidInput([{ loc: ["body", "files"], msg: "a story has at most one video", type: "value_error.too_many_videos" }]);
  }
  const images = uploads.filter((u) => u.kind === "image");
  const sizes = [];
  for (const image of images) sizes.push(await measured(env, uploads, image));
  const db = getDb(env);
  const creator = creatorFor(actor);
  const now = new Date();
  try {
    const video = videos[0]
      ? await db
          .insert(socialVideos)
          .values({
            kind: "story",
            fileId: videos[0].fileId,
            filename: displayName(videos[0].filename, "video.mp4"),
            ...columnsOf(text),
            r2Prefix: `${prefix}video/`,
            creatorUserId: creator,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get()
      : undefined;
    const story = await db
      .insert(socialStories)
      .values({ videoId: video?.id ?? null, ...columnsOf(text), r2Prefix: prefix, creatorUserId: creator, createdAt: now, updatedAt: now })
      .returning()
      .get();
    const photoIds: number[] = [];
    // One row per statement: a photo row binds 13 values, and stories have few photos.
    for (const [i, image] of images.entries()) {
      const row = await db
        .insert(socialPhotos)
        .values({
          storyId: story.id,
          fileId: image.fileId,
          filename: displayName(image.filename, "photo.jpg"),
          width: sizes[i]!.width,
          height: sizes[i]!.height,
          r2Prefix: `${prefix}photos/${image.fileId}/`,
          creatorUserId: creator,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: socialPhotos.id })
        .get();
      photoIds.push(row.id);
    }
    if (video) await submitVideoHls(env, video.id, creator);
    return {
      id: story.id,
      photo_ids: photoIds,
      video_id: video?.id ?? null,
      status: P.storyStatus(video),
      message: MESSAGES.storyCreated,
      ...P.localizedOf(story),
      preview_thumbnail_path: null,
    };
  } catch (err) {
    await purgeStored(env, { fileIds: uploads.map((u) => u.fileId), prefixes: [prefix] }).catch(() => undefined);
    throw err;
  }
}

async function storyLikes(env: Env, storyIds: number[], userId: number | undefined) {
  const db = getDb(env);
  const counts = await byIds(storyIds, (part) =>
    db
      .select({ storyId: socialLikes.storyId, n: sql<number>`count(*)` })
      .from(socialLikes)
      .where(inArray(socialLikes.storyId, part))
      .groupBy(socialLikes.storyId),
  );
  const liked =
    userId === undefined
      ? []
      : await byIds(storyIds, (part) =>
          db
            .select({ storyId: socialLikes.storyId })
            .from(socialLikes)
            .where(and(inArray(socialLikes.storyId, part), eq(socialLikes.userId, userId))),
        );
  const likedSet = new Set(liked.map((l) => l.storyId));
  const countOf = new Map(counts.map((c) => [c.storyId, c.n]));
  return (id: number) => ({ count: countOf.get(id) ?? 0, liked: likedSet.has(id) });
}

async function presentStories(env: Env, stories: SocialStoryRow[], userId: number | undefined) {
  const ids = stories.map((s) => s.id);
  const videos = await videosByIds(env, stories.map((s) => s.videoId));
  const photos = await byIds(ids, (part) =>
    getDb(env)
      .select({ id: socialPhotos.id, filename: socialPhotos.filename, storyId: socialPhotos.storyId })
      .from(socialPhotos)
      .where(inArray(socialPhotos.storyId, part))
      .orderBy(asc(socialPhotos.id)),
  );
  const likes = await storyLikes(env, ids, userId);
  return stories.map((s) =>
    P.presentStory(s, s.videoId === null ? undefined : videos.get(s.videoId), photos.filter((p) => p.storyId === s.id), likes(s.id)),
  );
}

export async function listStories(env: Env, q: { user_id?: number; limit: number; offset: number }) {
  const rows = await getDb(env).select().from(socialStories).orderBy(desc(socialStories.id)).limit(q.limit).offset(q.offset);
  return presentStories(env, rows, q.user_id);
}

async function findStory(env: Env, id: number): Promise<SocialStoryRow> {
  const story = await getDb(env).select().from(socialStories).where(eq(socialStories.id, id)).get();
  if (!story) throw new AppError(404, MESSAGES.storyMissing, "story.missing");
  return story;
}

export async function getStory(env: Env, id: number, userId?: number) {
  const [story] = await presentStories(env, [await findStory(env, id)], userId);
  return story!;
}

/** A story about to be changed by `actor` (404 if missing, 401/403 under enforced access). */
export async function storyForChange(env: Env, actor: Actor, id: number): Promise<SocialStoryRow> {
  const story = await findStory(env, id);
  assertMayChange(actor, story.creatorUserId);
  return story;
}

export async function updateStoryMetadata(env: Env, actor: Actor, id: number, text: Localized) {
  await updatePostText(env, socialStories, await storyForChange(env, actor, id), text);
  return getStory(env, id);
}

export async function removeStory(env: Env, actor: Actor, id: number) {
  const story = await storyForChange(env, actor, id);
  const photos = await getDb(env).select({ fileId: socialPhotos.fileId }).from(socialPhotos).where(eq(socialPhotos.storyId, id));
  // Likes, comments, views and photos go with the story by foreign key; the photos' files go here.
  await removePost(env, socialStories, story, photos.map((p) => p.fileId));
  return { message: MESSAGES.storyRemoved };
}

export async function storyVideoStatus(env: Env, videoId: number) {
  const video = await findVideo(env, videoId);
  return { id: video.id, filename: video.filename, status: video.status, error_message: video.errorMessage, ...P.localizedOf(video) };
}

// ───────────── previews ─────────────

type PreviewOwner = { kind: "story"; row: SocialStoryRow } | { kind: "reel"; row: SocialReelRow };

/** Makes a stored image the preview of a story or reel, removing the one it replaces. */
export async function setPreview(env: Env, owner: PreviewOwner, upload: StoredUpload) {
  await measured(env, [upload], upload);
  const db = getDb(env);
  const now = new Date();
  const table = owner.kind === "story" ? socialStories : socialReels;
  const updated = await db
    .update(table)
    .set({ previewFileId: upload.fileId, updatedAt: now })
    .where(eq(table.id, owner.row.id))
    .returning({ id: table.id })
    .get();
  if (!updated) {
    await discard(env, [upload]);
    throw new AppError(404, owner.kind === "story" ? MESSAGES.storyMissing : MESSAGES.reelMissing);
  }
  if (owner.row.previewFileId && owner.row.previewFileId !== upload.fileId) await deleteFiles(env, [owner.row.previewFileId]);
  const path = owner.kind === "story" ? P.storyPreviewPath(owner.row.id) : P.reelPreviewPath(owner.row.id);
  return { id: owner.row.id, preview_thumbnail_path: path, message: MESSAGES.previewUploaded };
}

/** The stored preview of a story or reel (its `files` row), or 404. */
export async function previewFile(env: Env, kind: "story" | "reel", id: number) {
  const row = kind === "story" ? await findStory(env, id) : await findReel(env, id);
  const file = row.previewFileId ? await getDb(env).select().from(files).where(eq(files.id, row.previewFileId)).get() : undefined;
  if (!file) throw new AppError(404, MESSAGES.previewMissing, "preview.missing");
  return file;
}

// ───────────── reels ─────────────

export async function createReel(env: Env, actor: Actor, input: { upload: StoredUpload; text: Localized; prefix: string }) {
  const { upload, text, prefix } = input;
  const db = getDb(env);
  const creator = creatorFor(actor);
  const now = new Date();
  try {
    const video = await db
      .insert(socialVideos)
      .values({
        kind: "reel",
        fileId: upload.fileId,
        filename: displayName(upload.filename, "video.mp4"),
        ...columnsOf(text),
        r2Prefix: `${prefix}video/`,
        creatorUserId: creator,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const reel = await db
      .insert(socialReels)
      .values({ videoId: video.id, ...columnsOf(text), r2Prefix: prefix, creatorUserId: creator, createdAt: now, updatedAt: now })
      .returning()
      .get();
    await submitVideoHls(env, video.id, creator);
    return {
      id: reel.id,
      video_id: video.id,
      status: video.status,
      message: MESSAGES.reelCreated,
      ...P.localizedOf(reel),
      preview_thumbnail_path: null,
    };
  } catch (err) {
    await purgeStored(env, { fileIds: [upload.fileId], prefixes: [prefix] }).catch(() => undefined);
    throw err;
  }
}

export type ReelSort = "created_at" | "likes" | "views";

/**
 * Each order walks its own index (`social_reels_{created,likes,views}_idx`, on the sort column then id), so
 * a page costs `offset + limit` index steps whatever the number of reels:
 *   EXPLAIN QUERY PLAN … ORDER BY likes_count DESC, id DESC LIMIT 20
 *   → SCAN social_reels USING INDEX social_reels_likes_idx   (no "USE TEMP B-TREE FOR ORDER BY")
 * (checked in test/worker/faces/social/reels-list.test.ts).
 */
export function reelOrder(sortBy: ReelSort, order: "asc" | "desc"): SQL[] {
  const column = sortBy === "likes" ? socialReels.likesCount : sortBy === "views" ? socialReels.viewsCount : socialReels.createdAt;
  const dir = order === "asc" ? asc : desc;
  return [dir(column), dir(socialReels.id)];
}

/** The newest `perReel` comments of each reel, one statement per chunk of reels. */
async function latestComments(env: Env, reelIds: number[], perReel: number) {
  const out = new Map<number, P.ReelCommentView[]>();
  for (const part of chunksOf([...new Set(reelIds)], ID_CHUNK)) {
    const placeholders = part.map(() => "?").join(", ");
    const { results } = await env.DB.prepare(
      `SELECT reels_id, user_id, comment, created_at FROM (
         SELECT reels_id, user_id, comment, created_at, id,
                ROW_NUMBER() OVER (PARTITION BY reels_id ORDER BY id DESC) AS n
         FROM social_comments WHERE reels_id IN (${placeholders})
       ) WHERE n <= ? ORDER BY reels_id, id DESC`,
    )
      .bind(...part, perReel)
      .all<{ reels_id: number; user_id: number; comment: string; created_at: number }>();
    for (const r of results) {
      const list = out.get(r.reels_id) ?? [];
      list.push({ user_id: r.user_id, text: r.comment, created_at: P.iso(new Date(r.created_at)) });
      out.set(r.reels_id, list);
    }
  }
  return out;
}

async function likedReels(env: Env, reelIds: number[], userId: number | undefined): Promise<Set<number>> {
  if (userId === undefined) return new Set();
  const rows = await byIds(reelIds, (part) =>
    getDb(env)
      .select({ reelsId: socialLikes.reelsId })
      .from(socialLikes)
      .where(and(inArray(socialLikes.reelsId, part), eq(socialLikes.userId, userId))),
  );
  return new Set(rows.map((r) => r.reelsId!));
}

/** Comments shown with each reel of a list. */
const LIST_COMMENTS = 3;
/** Comments shown with one reel. */
const DETAIL_COMMENTS = 100;

export interface ReelPage {
  limit: number;
  offset: number;
  sort_by: ReelSort;
  order: "asc" | "desc";
}

/** The page query of `/reels/reels/list` (exported so its query plan can be checked). */
export const reelPageQuery = (env: Env, q: ReelPage) =>
  getDb(env)
    .select()
    .from(socialReels)
    .orderBy(...reelOrder(q.sort_by, q.order))
    .limit(q.limit)
    .offset(q.offset);

export async function listReels(env: Env, q: ReelPage & { user_id?: number }) {
  const reels = await reelPageQuery(env, q);
  const ids = reels.map((r) => r.id);
  const [videos, comments, liked] = await Promise.all([
    videosByIds(env, reels.map((r) => r.videoId)),
    latestComments(env, ids, LIST_COMMENTS),
    likedReels(env, ids, q.user_id),
  ]);
  return {
    items: reels.map((r) => P.presentReelItem(r, r.videoId === null ? undefined : videos.get(r.videoId), comments.get(r.id) ?? [], liked.has(r.id))),
  };
}

async function findReel(env: Env, id: number): Promise<SocialReelRow> {
  const reel = await getDb(env).select().from(socialReels).where(eq(socialReels.id, id)).get();
  if (!reel) throw new AppError(404, MESSAGES.reelMissing, "reel.missing");
  return reel;
}

export async function getReel(env: Env, id: number, userId?: number) {
  const reel = await findReel(env, id);
  const [videos, comments, liked] = await Promise.all([
    videosByIds(env, [reel.videoId]),
    latestComments(env, [id], DETAIL_COMMENTS),
    likedReels(env, [id], userId),
  ]);
  return P.presentReel(reel, reel.videoId === null ? undefined : videos.get(reel.videoId), comments.get(id) ?? [], liked.has(id));
}

export async function reelForChange(env: Env, actor: Actor, id: number): Promise<SocialReelRow> {
  const reel = await findReel(env, id);
  assertMayChange(actor, reel.creatorUserId);
  return reel;
}

export async function updateReelMetadata(env: Env, actor: Actor, id: number, text: Localized) {
  await updatePostText(env, socialReels, await reelForChange(env, actor, id), text);
  return getReel(env, id);
}

export async function removeReel(env: Env, actor: Actor, id: number) {
  await removePost(env, socialReels, await reelForChange(env, actor, id), []);
  return { message: MESSAGES.reelRemoved };
}

// ───────────── what stories and reels share ─────────────

type PostTable = typeof socialStories | typeof socialReels;
type Post = Pick<SocialStoryRow & SocialReelRow, "id" | "videoId" | "previewFileId" | "r2Prefix">;

/** Partial titles and descriptions of a story or reel, mirrored onto its video (whose status shows them). */
async function updatePostText(env: Env, table: PostTable, post: Post, text: Localized): Promise<void> {
  const changed = changedColumns(text);
  if (Object.keys(changed).length === 0) return;
  const db = getDb(env);
  const now = new Date();
  await db.batch([
    db.update(table).set({ ...changed, updatedAt: now }).where(eq(table.id, post.id)),
    db.update(socialVideos).set({ ...changed, updatedAt: now }).where(eq(socialVideos.id, post.videoId ?? 0)),
  ]);
}

/**
 * Removes a story or reel with its video: rows first (one batch), then its HLS task is stopped, then every
 * object under its prefixes. A crash in between leaves unreferenced objects under a dead prefix, never a
 * row pointing at nothing.
 */
async function removePost(env: Env, table: PostTable, post: Post, moreFileIds: (string | null)[]): Promise<void> {
  const db = getDb(env);
  const video = post.videoId === null ? undefined : await db.select().from(socialVideos).where(eq(socialVideos.id, post.videoId)).get();
  await db.batch([db.delete(table).where(eq(table.id, post.id)), db.delete(socialVideos).where(eq(socialVideos.id, post.videoId ?? 0))]);
  if (video) await stopVideoHls(env, video.id);
  await purgeStored(env, {
    fileIds: [post.previewFileId, video?.fileId ?? null, ...moreFileIds],
    prefixes: [post.r2Prefix, ...(video ? [video.r2Prefix] : [])],
  });
}

// ───────────── standalone videos ─────────────

export async function createVideo(env: Env, actor: Actor, input: { upload: StoredUpload; title: string | null; description: string | null; prefix: string }) {
  const now = new Date();
  try {
    const video = await getDb(env)
      .insert(socialVideos)
      .values({
        fileId: input.upload.fileId,
        kind: "standalone",
        filename: displayName(input.upload.filename, "video.mp4"),
        title: input.title,
        description: input.description,
        r2Prefix: input.prefix,
        creatorUserId: creatorFor(actor),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    await submitVideoHls(env, video.id, video.creatorUserId);
    return { id: video.id, filename: video.filename, status: video.status, message: MESSAGES.videoUploaded, title: video.title, description: video.description };
  } catch (err) {
    await purgeStored(env, { fileIds: [input.upload.fileId], prefixes: [input.prefix] }).catch(() => undefined);
    throw err;
  }
}

async function findVideo(env: Env, id: number): Promise<SocialVideoRow> {
  const video = await getDb(env).select().from(socialVideos).where(eq(socialVideos.id, id)).get();
  if (!video) throw new AppError(404, MESSAGES.videoMissing, "video.missing");
  return video;
}

export async function videoStatus(env: Env, id: number) {
  return P.presentVideoStatus(await findVideo(env, id));
}

/** Standalone videos (uploaded through /video/upload; a story's or reel's video is listed with it). */
export async function listVideos(env: Env, q: { limit: number; offset: number }) {
  const rows = await getDb(env)
    .select()
    .from(socialVideos)
    .where(eq(socialVideos.kind, "standalone"))
    .orderBy(desc(socialVideos.id))
    .limit(q.limit)
    .offset(q.offset);
  return rows.map(P.presentVideoItem);
}

/** Removes a video and everything stored for it; a story or reel that showed it keeps its other content. */
export async function removeVideo(env: Env, actor: Actor, id: number) {
  const video = await findVideo(env, id);
  assertMayChange(actor, video.creatorUserId);
  await getDb(env).delete(socialVideos).where(eq(socialVideos.id, id));
  await stopVideoHls(env, id);
  await purgeStored(env, { fileIds: [video.fileId], prefixes: [video.r2Prefix] });
  return { message: MESSAGES.videoRemoved };
}

// ───────────── standalone photos ─────────────

export async function createPhoto(env: Env, actor: Actor, input: { upload: StoredUpload; title: string | null; description: string | null; prefix: string }) {
  const size = await measured(env, [input.upload], input.upload);
  const now = new Date();
  try {
    const photo = await getDb(env)
      .insert(socialPhotos)
      .values({
        fileId: input.upload.fileId,
        filename: displayName(input.upload.filename, "photo.jpg"),
        title: input.title,
        description: input.description,
        width: size.width,
        height: size.height,
        r2Prefix: input.prefix,
        creatorUserId: creatorFor(actor),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    return { id: photo.id, filename: photo.filename, status: photo.status, message: MESSAGES.photoUploaded, width: photo.width, height: photo.height };
  } catch (err) {
    await purgeStored(env, { fileIds: [input.upload.fileId], prefixes: [input.prefix] }).catch(() => undefined);
    throw err;
  }
}

async function findPhoto(env: Env, id: number): Promise<SocialPhotoRow> {
  const photo = await getDb(env).select().from(socialPhotos).where(eq(socialPhotos.id, id)).get();
  if (!photo) throw new AppError(404, MESSAGES.photoMissing, "photo.missing");
  return photo;
}

export async function photoStatus(env: Env, id: number) {
  return P.presentPhotoStatus(await findPhoto(env, id));
}

/** Standalone photos (a story's photos are listed with the story). */
export async function listPhotos(env: Env, q: { limit: number; offset: number }) {
  const rows = await getDb(env)
    .select()
    .from(socialPhotos)
    .where(isNull(socialPhotos.storyId))
    .orderBy(desc(socialPhotos.id))
    .limit(q.limit)
    .offset(q.offset);
  return rows.map(P.presentPhotoItem);
}

export async function removePhoto(env: Env, actor: Actor, id: number) {
  const photo = await findPhoto(env, id);
  assertMayChange(actor, photo.creatorUserId);
  await getDb(env).delete(socialPhotos).where(eq(socialPhotos.id, id));
  await purgeStored(env, { fileIds: [photo.fileId], prefixes: [photo.r2Prefix] });
  return { message: MESSAGES.photoRemoved };
}

