/**
 * Seed 000 (TTSave): POST /download, GET /stream/{filename}. Error bodies carry both `detail` (the
 * endpoint sections of the document) and `message` (its Starlette handler section), so clients of either
 * form keep working.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, saverErrors } from "../../lib/error-format";
import { binary, json, jsonBody } from "../../lib/openapi";
import { ProgressChannelHeaders } from "../../media/progress-channel";

const tags = ["TikTok saver (seed 000)"];

export const DownloadRequest = z
  .object({
    url: z.string().max(2048).openapi({ example: "https://www.tiktok.com/@author123/video/312132123123132" }),
  })
  .openapi("SaverDownloadRequest");

export const SavedFile = z.object({
  name: z.string().openapi({ example: "312132123123132.mp4" }),
  url: z.string().openapi({ example: "/stream/312132123123132.mp4" }),
});

export const DownloadResponse = z.object({ files: z.array(SavedFile) }).openapi("SaverDownloadResponse");

export const download = createRoute({
  method: "post",
  path: "/download",
  tags,
  summary: "Download a TikTok video or photo post",
  description: [
    "Fetches the post behind a TikTok URL (www / m / vm / vt hosts, `/@user/video/ID`, `/@user/photo/ID`, short links) and",
    "returns its files with streaming URLs. A video post yields `<id>.mp4`; a photo post yields `<id>_1.jpg`, `<id>_2.jpg`, ….",
    "The call waits for the download (up to SYNC_TASK_TIMEOUT_SECONDS). Identical concurrent requests share one download, and",
    "a repeated request is answered from the cache while the files exist (they expire after 30 idle minutes).",
    "Unknown body fields are ignored, as in the original service. An empty `url` is 400 `URL is required`; a missing or",
    "non-string `url` is a 422 validation error; a URL that is not a TikTok post is 400.",
    "With `X-Progress-Channel: <uuid>` the download's progress events go to the WebSocket `GET /api/progress/{channel}`;",
    "a header value that is not a UUID is a 422 validation error.",
  ].join(" "),
  request: { ...jsonBody(DownloadRequest), headers: ProgressChannelHeaders },
  responses: {
    200: json(DownloadResponse, "The stored files"),
    ...errorResponses(saverErrors, {
      400: "URL missing, malformed or not a TikTok post",
      403: "The post is private",
      404: "The post does not exist, or its files were not found after download",
      413: "The media exceeds the size limit",
      422: "Request body (or the X-Progress-Channel header) failed validation",
      500: "The download failed (`Failed to save the file`) or an unexpected error",
      502: "The source site could not be reached (`Could not reach www.tiktok.com`)",
      504: "The download did not finish in time; repeating the request joins the same download",
    }),
  },
});

export const StreamParams = z.object({
  filename: z.string().openapi({ param: { name: "filename", in: "path" }, example: "312132123123132.mp4" }),
});

export const stream = createRoute({
  method: "get",
  path: "/stream/{filename}",
  tags,
  summary: "Stream a downloaded file",
  description:
    "Streams a file from /download. Supports `Range: bytes=a-b | a- | -n` (206 with Content-Range), answers 416 with " +
    "`Content-Range: bytes */SIZE` for a range past the end, and ignores malformed or multi-range headers (200). " +
    "HEAD and `If-None-Match` work. The Content-Type is the file's real type (video/mp4, image/jpeg). " +
    "Names that are not plain file names (`..`, slashes, control characters) are answered 404.",
  request: { params: StreamParams },
  responses: {
    200: binary(["video/mp4", "image/jpeg", "application/octet-stream"], "The whole file"),
    206: binary(["video/mp4", "image/jpeg", "application/octet-stream"], "The requested byte range"),
    304: { description: "Not modified (If-None-Match)" },
    ...errorResponses(saverErrors, { 404: "No such file" }),
    416: { description: "Range not satisfiable; Content-Range: bytes */SIZE" },
  },
});

export type DownloadRoute = typeof download;
export type StreamRoute = typeof stream;
