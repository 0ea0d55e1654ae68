/**
 * The studio's cached download: a TikTok URL through the platform's shared fetch task, whose idempotency
 * key is the post (the same key as seed 000's saver uses, so either face's download serves the other). A
 * request that did not start a fetch — the post was fetched before, or another request is fetching it right
 * now — answers `from_cache: true`. No HTTP here.
 */
import { resolveTikTokPost, tiktokPostFetch } from "../../media/tiktok-post";
import { AppError } from "../../lib/errors";
import { fetchFailureToError, fetchMediaAndWait } from "../../media/fetch-media";
import type { FileRow } from "../../db/schema";
import { STUDIO_FETCH_FAILURES } from "./failures";
import { nameStudioFile, type StudioCaller } from "./files";

export interface StudioDownload {
  success: true;
  file_path: string;
  file_size: number;
  duration: number;
  from_cache: boolean;
}

export interface DownloadedVideo {
  response: StudioDownload;
  /** The stored file (for steps that go on with it) and the canonical URL (for analytics). */
  file: FileRow;
  canonicalUrl: string;
}

export async function downloadVideo(env: Env, rawUrl: string, caller: StudioCaller, opts: { priority?: number; timeoutMs?: number; progressChannel?: string } = {}): Promise<DownloadedVideo> {
  const source = await resolveTikTokPost(env, rawUrl);
  const outcome = await fetchMediaAndWait(env, tiktokPostFetch(source), {
    face: "studio",
    ownerUserId: caller,
    priority: opts.priority,
    timeoutMs: opts.timeoutMs,
    progressChannel: opts.progressChannel,
  });
  if (!outcome.ok) throw fetchFailureToError(outcome.failure, STUDIO_FETCH_FAILURES);
  const video = outcome.result.outputs.find((o) => o.kind === "video");
  if (!video) throw new AppError(400, "This TikTok post has no video (a photo post cannot be edited)", "source.no_video");
  const file = outcome.files.get(video.fileId);
  if (!file) throw new AppError(404, "Video not found or no longer available", "files.missing");
  const filePath = await nameStudioFile(env, `tiktok-${source.id}.mp4`, file.id, caller);
  return {
    response: {
      success: true,
      file_path: filePath,
      file_size: file.size,
      duration: video.durationSeconds ?? 0,
      from_cache: outcome.cached,
    },
    file,
    canonicalUrl: source.canonicalUrl,
  };
}
