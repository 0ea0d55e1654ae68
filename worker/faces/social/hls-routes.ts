/**
 * Seed 002's HLS routes (section 8 of the document) plus frame thumbnails: the master playlist, a rung's
 * media playlist or a segment, and a JPEG frame at a time and width.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { THUMBNAIL_MAX_WIDTH, THUMBNAIL_MIN_WIDTH } from "../../../protocol/transcoder";
import { errorResponses, fastApiErrors } from "../../lib/error-format";
import { binary } from "../../lib/openapi";
import { HLS_PLAYLIST_TYPE } from "./hls-playlists";
import * as S from "./schemas";

const hlsTags = ["Social: HLS streaming (seed 002)"];

const notPlayable = errorResponses(fastApiErrors, {
  404: "No such video, or nothing of it exists (`{detail}` names the video's status)",
  409: "The video is pending, processing with no segment yet, or failed (`{detail}` names its status)",
  422: "Validation error",
});

export const hlsPlaylist = createRoute({
  method: "get",
  path: "/api/v1/hls/playlist/{video_id}",
  tags: hlsTags,
  summary: "The video's HLS master playlist",
  description:
    "Answers as soon as every rung's first segment is stored: while the video is `processing` the rungs listed are those with a " +
    "segment, their bandwidths estimated from the segments so far (a comment says so); once `ready`, the figures measured on the " +
    "whole ladder (BANDWIDTH, AVERAGE-BANDWIDTH, RESOLUTION, CODECS, FRAME-RATE).",
  request: { params: z.object({ video_id: S.idParam("video_id") }) },
  responses: { 200: binary([HLS_PLAYLIST_TYPE], "The master playlist"), ...notPlayable },
});

export const hlsVideoPart = createRoute({
  method: "get",
  path: "/api/v1/hls/video/{video_id}/{segment}",
  tags: hlsTags,
  summary: "A rung's media playlist (`720p.m3u8`) or one MPEG-TS segment (as named in that playlist)",
  description:
    "Media playlists are EVENT playlists without `#EXT-X-ENDLIST` while the video is processing (fetch again for more), VOD " +
    "playlists with `#EXT-X-ENDLIST` once it is ready. Segments are immutable (a retried run's segments have other names) and " +
    "support Range.",
  request: {
    params: z.object({
      video_id: S.idParam("video_id"),
      segment: z.string().min(1).max(120).openapi({ param: { name: "segment", in: "path" }, example: "720p.m3u8" }),
    }),
  },
  responses: {
    200: binary([HLS_PLAYLIST_TYPE, "video/mp2t"], "The playlist or segment"),
    206: binary(["video/mp2t"], "A byte range of a segment"),
    416: { description: "Range not satisfiable" },
    ...notPlayable,
  },
});

export const HlsThumbnailQuery = z.object({
  time: z.coerce.number().min(0).max(86_400).default(0).openapi({ description: "Seconds from the start (the last frame when past the end)", example: 1.5 }),
  width: z.coerce
    .number()
    .int()
    .min(THUMBNAIL_MIN_WIDTH)
    .max(THUMBNAIL_MAX_WIDTH)
    .default(320)
    .openapi({ description: `Pixels, ${THUMBNAIL_MIN_WIDTH}–${THUMBNAIL_MAX_WIDTH}; the height keeps the aspect ratio`, example: 320 }),
});

export const hlsThumbnail = createRoute({
  method: "get",
  path: "/api/v1/hls/thumbnail/{video_id}",
  tags: hlsTags,
  summary: "A JPEG frame of the video at `time`, `width` pixels wide (made once per time and width, then served from storage)",
  request: { params: z.object({ video_id: S.idParam("video_id") }), query: HlsThumbnailQuery },
  responses: {
    200: binary(["image/jpeg"], "The frame"),
    ...errorResponses(fastApiErrors, { 404: "No such video", 409: "The upload is not a readable video", 422: "Validation error (width out of bounds)", 502: "The frame could not be made" }),
  },
});

export type HlsPlaylistRoute = typeof hlsPlaylist;
export type HlsVideoPartRoute = typeof hlsVideoPart;
export type HlsThumbnailRoute = typeof hlsThumbnail;
