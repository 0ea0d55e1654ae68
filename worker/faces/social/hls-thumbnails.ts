/**
 * Frame thumbnails of a video (as Mux and Cloudflare Stream offer them): the transcoder's `thumbnail`
 * operation reads the uploaded original and writes one JPEG under `<r2_prefix>thumbnails/t<time>-w<width>/`;
 * later requests for the same time and width are served from R2 without calling the transcoder.
 */
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { files, socialVideos, type FileRow } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { registerObject } from "../../media/store";
import { downloadUrlFor, uploadUrlFor } from "../../media/signed-urls";
import { transcoderFor } from "../../media/transcoder-client";
import { TaskError } from "../../tasks/errors";
import { MESSAGES } from "./service";

/** A thumbnail is small; this bounds what a signed URL lets the transcoder store. */
const THUMBNAIL_MAX_BYTES = 8 * 1024 * 1024;
const UPLOAD_TTL_SECONDS = 300;

/** Millisecond precision: `time=1.5` and `time=1.500` are one cached frame. */
export const thumbnailPrefix = (videoPrefix: string, time: number, width: number) =>
  `${videoPrefix}thumbnails/t${Math.round(time * 1000)}-w${width}`;

export interface Thumbnail {
  file: FileRow;
  /** Served from R2 without calling the transcoder. */
  cached: boolean;
}

async function storedUnder(env: Env, prefix: string): Promise<FileRow | undefined> {
  const listed = await env.MEDIA.list({ prefix: `${prefix}/`, limit: 1 });
  const key = listed.objects[0]?.key;
  return key ? getDb(env).select().from(files).where(eq(files.r2Key, key)).get() : undefined;
}

export async function thumbnailOf(env: Env, videoId: number, q: { time: number; width: number }, signal?: AbortSignal): Promise<Thumbnail> {
  const db = getDb(env);
  const video = await db.select().from(socialVideos).where(eq(socialVideos.id, videoId)).get();
  const original = video?.fileId ? await db.select().from(files).where(eq(files.id, video.fileId)).get() : undefined;
  if (!video || !original) throw new AppError(404, MESSAGES.videoMissing, "video.missing");
  const prefix = thumbnailPrefix(video.r2Prefix, q.time, q.width);
  const cached = await storedUnder(env, prefix);
  if (cached) return { file: cached, cached: true };

  try {
    const result = await transcoderFor(env).run(
      "thumbnail",
      {
        taskId: `thumbnail-${newId()}`,
        source: await downloadUrlFor(env, original.r2Key, UPLOAD_TTL_SECONDS),
        output: { uploadUrl: await uploadUrlFor(env, prefix, UPLOAD_TTL_SECONDS, THUMBNAIL_MAX_BYTES), maxBytes: THUMBNAIL_MAX_BYTES },
        timeSeconds: q.time,
        width: q.width,
      },
      () => undefined,
      signal,
    );
    const key = `${prefix}/${result.output.name}`;
    const head = await env.MEDIA.head(key);
    if (!head) throw new AppError(502, "Не удалось получить кадр видео", "thumbnail.missing");
    const file = await registerObject(env, head, { contentType: result.output.contentType, retention: "keep" });
    return { file, cached: false };
  } catch (err) {
    if (err instanceof TaskError) {
      // A video ffmpeg cannot read is the caller's problem to know about, not a gateway failure.
      const status = err.code === "input.invalid" ? 409 : 502;
      throw new AppError(status, `Не удалось получить кадр видео: ${err.message}`, `thumbnail.${err.code}`);
    }
    throw err;
  }
}
