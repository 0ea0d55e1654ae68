/**
 * What the HLS routes serve, without HTTP: the playlists of a video's current run rendered from D1, the
 * segment rows behind segment names, and the `{detail}` errors of a video with nothing playable.
 */
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { socialVideos, socialVideoSegments, type SocialVideoRow, type SocialVideoSegmentRow } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { contiguousSegments, masterFromLadder, masterWhileProcessing, mediaPlaylist, parseSegmentName } from "./hls-playlists";
import { MESSAGES } from "./service";

export const HLS_MESSAGES = {
  segmentMissing: "Сегмент не найден",
} as const;

/** A playlist's text, and whether it is final (VOD, cacheable) or still growing. */
export interface RenderedPlaylist {
  text: string;
  final: boolean;
}

/** 409 while it may still become playable or when it failed; 404 when there is nothing (`not_found`). */
function notPlayable(video: SocialVideoRow): AppError {
  const reason = video.status === "error" && video.errorMessage ? `: ${video.errorMessage}` : "";
  const detail = `Видео недоступно для воспроизведения (status: ${video.status})${reason}`;
  return new AppError(video.status === "not_found" ? 404 : 409, detail, `video.${video.status}`);
}

async function playableVideo(env: Env, id: number): Promise<SocialVideoRow> {
  const video = await getDb(env).select().from(socialVideos).where(eq(socialVideos.id, id)).get();
  if (!video) throw new AppError(404, MESSAGES.videoMissing, "video.missing");
  return video;
}

const currentRows = (env: Env, video: SocialVideoRow) =>
  getDb(env)
    .select()
    .from(socialVideoSegments)
    .where(and(eq(socialVideoSegments.videoId, video.id), eq(socialVideoSegments.attempt, video.hlsAttempt), eq(socialVideoSegments.kind, "segment")));

export async function masterPlaylistOf(env: Env, id: number): Promise<RenderedPlaylist> {
  const video = await playableVideo(env, id);
  if (video.status === "ready" && video.hlsLadder) return { text: masterFromLadder(video.id, video.hlsLadder), final: true };
  if (video.status !== "processing") throw notPlayable(video);
  const text = masterWhileProcessing(video.id, await currentRows(env, video));
  if (!text) throw notPlayable(video);
  return { text, final: false };
}

export type VideoPart = { kind: "playlist"; playlist: RenderedPlaylist } | { kind: "segment"; row: SocialVideoSegmentRow };

export async function videoPartOf(env: Env, id: number, name: string): Promise<VideoPart> {
  const video = await playableVideo(env, id);
  const ready = video.status === "ready" && video.hlsLadder !== null;
  if (!ready && video.status !== "processing") throw notPlayable(video);
  const wanted = parseSegmentName(name);
  const missing = new AppError(404, HLS_MESSAGES.segmentMissing, "segment.missing");
  if (!wanted) throw missing;
  if (wanted.kind === "segment") {
    // Only the current run's segments: an earlier run's may be half-written and are being removed.
    if (wanted.attempt !== video.hlsAttempt) throw missing;
    const row = await getDb(env)
      .select()
      .from(socialVideoSegments)
      .where(and(eq(socialVideoSegments.videoId, video.id), eq(socialVideoSegments.attempt, video.hlsAttempt), eq(socialVideoSegments.name, wanted.name)))
      .get();
    if (!row || row.kind !== "segment") throw missing;
    return { kind: "segment", row };
  }
  const segments = contiguousSegments(await currentRows(env, video), wanted.rendition);
  if (segments.length === 0) throw video.status === "processing" ? notPlayable(video) : missing;
  return { kind: "playlist", playlist: { text: mediaPlaylist(segments, ready), final: ready } };
}
