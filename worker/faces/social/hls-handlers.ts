/**
 * HTTP of the HLS routes: playlists with their type and a cache policy that matches whether they can
 * still grow, segments and thumbnails through the media store's serving (Range, HEAD, ETag).
 */
import type { Context } from "hono";
import type { AppEnv, AppRouteHandler } from "../../lib/app-context";
import { AppError } from "../../lib/errors";
import { serveFile, type ServableObject } from "../../media/serve";
import { HLS_PLAYLIST_TYPE } from "./hls-playlists";
import type * as R from "./hls-routes";
import { HLS_MESSAGES, masterPlaylistOf, videoPartOf, type RenderedPlaylist } from "./hls-service";
import { thumbnailOf } from "./hls-thumbnails";

/** A segment's name carries its run, so its bytes never change: clients and CDNs may keep it. */
const IMMUTABLE = "public, max-age=31536000, immutable";
/** A growing EVENT playlist must be fetched again; a finished one may be kept briefly (it can still be removed). */
const cacheOf = (p: RenderedPlaylist) => (p.final ? "public, max-age=60" : "no-cache");

function playlistResponse(c: Context<AppEnv>, p: RenderedPlaylist): Response {
  const headers = { "Content-Type": HLS_PLAYLIST_TYPE, "Cache-Control": cacheOf(p), "X-Content-Type-Options": "nosniff" };
  return new Response(c.req.method === "HEAD" ? null : p.text, { status: 200, headers });
}

async function serveWith(c: Context<AppEnv>, file: ServableObject, cacheControl: string, missing: AppError): Promise<Response> {
  const res = await serveFile(c.env.MEDIA, file, { method: c.req.method, range: c.req.header("Range"), ifNoneMatch: c.req.header("If-None-Match") });
  if (!res) throw missing;
  res.headers.set("Cache-Control", cacheControl);
  return res;
}

export const hlsPlaylist: AppRouteHandler<R.HlsPlaylistRoute> = async (c) =>
  playlistResponse(c, await masterPlaylistOf(c.env, c.req.valid("param").video_id));

export const hlsVideoPart: AppRouteHandler<R.HlsVideoPartRoute> = async (c) => {
  const { video_id, segment } = c.req.valid("param");
  const part = await videoPartOf(c.env, video_id, segment);
  if (part.kind === "playlist") return playlistResponse(c, part.playlist);
  const { row } = part;
  // Run and name identify the bytes, so they make a strong validator without a round trip to R2.
  const etag = `"r${row.attempt}-${row.name}-${row.size}"`;
  return serveWith(c, { ...row, etag }, IMMUTABLE, new AppError(404, HLS_MESSAGES.segmentMissing, "segment.missing"));
};

export const hlsThumbnail: AppRouteHandler<R.HlsThumbnailRoute> = async (c) => {
  const thumbnail = await thumbnailOf(c.env, c.req.valid("param").video_id, c.req.valid("query"), c.req.raw.signal);
  const res = await serveWith(c, thumbnail.file, "public, max-age=86400", new AppError(404, "Кадр не найден", "thumbnail.missing"));
  res.headers.set("X-Thumbnail-Cache", thumbnail.cached ? "hit" : "miss");
  return res;
};
