/**
 * Seed 003 (TikTok auto-edit studio): health, the cached download and the file route. The other areas
 * (scripts and edits, compression, analytics, webhooks, the queue) keep their routes in their folders.
 * Errors are `{success: false, error}`, and 401 is `{error: "Unauthorized"}` when STUDIO_API_TOKEN is set.
 */
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, studioErrors } from "../../lib/error-format";
import { binary, json, jsonBody } from "../../lib/openapi";
import { ProgressChannelHeaders } from "../../media/progress-channel";
import * as S from "./schemas";

export const STUDIO_TAGS = ["Studio (seed 003)"];

/** The error responses every token-guarded studio route documents, plus its own. */
export const studioErrorResponses = (more: Record<number, string> = {}) =>
  errorResponses(studioErrors, {
    401: "STUDIO_API_TOKEN is set and the bearer token (or platform JWT / API key) is missing or wrong",
    429: "Over the document's limit: 100 requests per hour per client (10 per minute on /api/v1/process)",
    ...more,
  });

export const health = createRoute({
  method: "get",
  path: "/health",
  tags: STUDIO_TAGS,
  summary: "Health check",
  description: "Always public (load balancers call it without credentials). `timestamp` is ISO 8601 in UTC.",
  responses: { 200: json(S.Health, "Healthy"), ...errorResponses(studioErrors, { 429: "Over 100 requests per hour per client" }) },
});

export const download = createRoute({
  method: "post",
  path: "/api/v1/download",
  tags: STUDIO_TAGS,
  summary: "Download a TikTok video (cached)",
  description: [
    "Fetches the video behind a TikTok URL into the platform's media store and returns an opaque `file_path` that the other",
    "studio endpoints accept (and `GET` serves). The second request for the same video answers from the cache",
    "(`from_cache: true`) without fetching again; so does a request that arrives while the same video is being fetched",
    "(it waits for that fetch). `duration` is in seconds. Files expire after FILE_IDLE_TTL_SECONDS without a read.",
    "With `X-Progress-Channel: <uuid>` the download's progress events go to the WebSocket `GET /api/progress/{channel}`;",
    "a header value that is not a UUID is a 400 validation error.",
  ].join(" "),
  request: { ...jsonBody(S.DownloadRequest), headers: ProgressChannelHeaders },
  responses: {
    200: json(S.DownloadResponse, "The stored video"),
    ...studioErrorResponses({
      400: "Missing or malformed body, an X-Progress-Channel that is not a UUID, an empty URL, a URL that is not a TikTok video, or a photo post",
      403: "The video is private",
      404: "The video does not exist",
      409: "The file name is held by another account",
      413: "The video exceeds the size limit",
      502: "TikTok could not be reached",
      504: "The download did not finish in time; repeating the request joins it",
    }),
  },
});

export const video = createRoute({
  method: "get",
  path: "/api/v1/video/{filename}",
  tags: STUDIO_TAGS,
  summary: "Download a processed file",
  description:
    "Serves a studio file by name (a download, an edit, a compression, an analysis frame): Range (206), HEAD, ETag and " +
    "If-None-Match (304), its real Content-Type. Another account's files answer 404. `/api/v1/video/list` is seed 002's.",
  request: { params: S.VideoParams },
  responses: {
    200: binary(["video/mp4", "image/jpeg"], "The whole file"),
    206: binary(["video/mp4", "image/jpeg"], "The requested byte range"),
    304: { description: "Not modified (If-None-Match)" },
    416: { description: "Range not satisfiable; Content-Range: bytes */SIZE" },
    ...studioErrorResponses({ 404: "No such file" }),
  },
});

export type HealthRoute = typeof health;
export type DownloadRoute = typeof download;
export type VideoRoute = typeof video;
