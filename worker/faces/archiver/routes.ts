/**
 * Seed 004 (TikTok archiver) under /api/v1: jobs, videos, live progress, and the job's zip. Every route
 * needs a credential: the document's `X-API-Key` (platform keys, imported keys), or a platform JWT.
 * Errors are FastAPI's (`{detail}`, 422 `{detail: [{loc, msg, type}]}`), and a 500 is `{detail, error}`
 * with `error` only when DEBUG is true.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { archiverErrors, errorResponses } from "../../lib/error-format";
import { binary, json, jsonBody } from "../../lib/openapi";
import * as S from "./schemas";

const jobTags = ["Archiver: jobs (seed 004)"];
const videoTags = ["Archiver: videos (seed 004)"];

const SHARED_NOTE = " The archive is one collection shared by every credential of this face, as in the document's service.";

const errors = (more: Record<number, string> = {}) =>
  errorResponses(archiverErrors, { 401: "Missing or wrong X-API-Key", 429: "Over RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST per key", ...more });

export const jobCreate = createRoute({
  method: "post",
  path: "/api/v1/jobs",
  tags: jobTags,
  summary: "Create a scraping job for a profile or a hashtag",
  description:
    "Lists the profile's or hashtag's videos (newest first), keeps those created between `since` and `until` up to `limit`, and archives each: " +
    "download (no-watermark format when asked and offered), store under `TikTok/{mode}/{value}/{yyyy}/{mm}/`, metadata, then Google Drive when configured. " +
    "A video already archived by any job is listed but not downloaded again." + SHARED_NOTE,
  request: jsonBody(S.JobCreate),
  responses: { 201: json(S.Job, "The job, pending"), ...errors({ 422: "Validation error (a value starting with @ or #, limit outside 1-200, since after until)" }) },
});

export const jobGet = createRoute({
  method: "get",
  path: "/api/v1/jobs/{job_id}",
  tags: jobTags,
  summary: "A job with its videos and their links",
  request: { params: S.JobIdParam },
  responses: { 200: json(S.JobDetail, "The job"), ...errors({ 404: "No such job" }) },
});

export const jobList = createRoute({
  method: "get",
  path: "/api/v1/jobs",
  tags: jobTags,
  summary: "List jobs, newest first",
  request: { query: S.JobListQuery },
  responses: { 200: json(z.array(S.Job), "Jobs"), ...errors({ 422: "Validation error" }) },
});

export const jobCancel = createRoute({
  method: "post",
  path: "/api/v1/jobs/{job_id}/cancel",
  tags: jobTags,
  summary: "Cancel a pending or running job",
  description:
    "Videos not started never start; a running download stops at its next heartbeat and leaves nothing half-written. " +
    "Cancelling a finished job changes nothing and answers it as it is.",
  request: { params: S.JobIdParam },
  responses: { 200: json(S.Job, "The job"), ...errors({ 404: "No such job" }) },
});

export const jobDelete = createRoute({
  method: "delete",
  path: "/api/v1/jobs/{job_id}",
  tags: jobTags,
  summary: "Delete a job and the videos it archived",
  description:
    "Cancels it if it runs, then removes the job, the records of the videos it archived and their stored files (Drive copies stay). " +
    "Videos another job archived are only unlinked.",
  request: { params: S.JobIdParam },
  responses: { 204: { description: "Deleted" }, ...errors({ 404: "No such job" }) },
});

export const jobArchive = createRoute({
  method: "get",
  path: "/api/v1/jobs/{job_id}/archive.zip",
  tags: jobTags,
  summary: "One ZIP of the job's archived videos and a metadata.json (beyond the document)",
  description:
    "Built on the fly from storage with flat memory (ZIP64 past 4 GB), videos stored uncompressed under their folder paths. " +
    "Videos not yet archived are left out; `metadata.json` lists every video of the job.",
  request: { params: S.JobIdParam },
  responses: { 200: binary(["application/zip"], "The archive"), ...errors({ 404: "No such job" }) },
});

export const jobProgressSocket = createRoute({
  method: "get",
  path: "/ws/jobs/{job_id}",
  tags: jobTags,
  summary: "Live progress of a job over a WebSocket",
  description:
    "Upgrade to a WebSocket. The first message is the job's current state; then one message per change (a video's status, the counters, the job's status), " +
    "each `{type: \"job\", job: {id, status, progress, total_videos, successful_downloads, failed_downloads}, video?: {id, status, error_message, file_size, drive_file_id}, final, at}`; " +
    "the last has `final: true` (completed, failed or cancelled) and the server closes the socket. Send `ping` to get `pong`. " +
    "Authenticate with X-API-Key or `Authorization: Bearer`; a browser, which cannot set headers on a WebSocket, offers the subprotocols " +
      "`media-platform` and `bearer.<JWT or mpk_ key>` (`new WebSocket(url, [\"media-platform\", \"bearer.\" + token])`), and the 101 selects `media-platform` " +
      "(never echoing the token). A `bearer.` offer without `media-platform` beside it is refused (401). `?api_key=` still works for existing clients " +
      "but puts the key in the URL, where logs and history keep it; imported keys that are not subprotocol tokens (with `/`, `=`, `@`, …) need it or X-API-Key.",
  request: { params: S.JobIdParam },
  responses: { 101: { description: "Switching Protocols" }, 426: { description: "Not a WebSocket upgrade" }, ...errors({ 404: "No such job" }) },
});

export const videoList = createRoute({
  method: "get",
  path: "/api/v1/videos",
  tags: videoTags,
  summary: "Query videos, newest first, with every filter of the document",
  request: { query: S.VideoListQuery },
  responses: { 200: json(S.VideoList, "Videos and their total under the filters"), ...errors({ 422: "Validation error" }) },
});

export const videoGet = createRoute({
  method: "get",
  path: "/api/v1/videos/{video_id}",
  tags: videoTags,
  summary: "One video",
  request: { params: S.VideoIdParam },
  responses: { 200: json(S.Video, "The video"), ...errors({ 404: "No such video" }) },
});

export const videoRetry = createRoute({
  method: "post",
  path: "/api/v1/videos/{video_id}/retry",
  tags: videoTags,
  summary: "Retry a failed video",
  description: "Downloads and delivers it again as part of its job, which counts it again and runs until it settles. Only a `failed` video: anything else is 409.",
  request: { params: S.VideoIdParam },
  responses: { 200: json(S.Video, "The video, pending again"), ...errors({ 404: "No such video", 409: "Not a failed video, or its job was cancelled" }) },
});

export const videoDelete = createRoute({
  method: "delete",
  path: "/api/v1/videos/{video_id}",
  tags: videoTags,
  summary: "Delete a video's record (and the platform's stored copy; a Drive copy stays)",
  request: { params: S.VideoIdParam },
  responses: { 204: { description: "Deleted" }, ...errors({ 404: "No such video" }) },
});

export type JobCreateRoute = typeof jobCreate;
export type JobGetRoute = typeof jobGet;
export type JobListRoute = typeof jobList;
export type JobCancelRoute = typeof jobCancel;
export type JobDeleteRoute = typeof jobDelete;
export type JobArchiveRoute = typeof jobArchive;
export type JobProgressSocketRoute = typeof jobProgressSocket;
export type VideoListRoute = typeof videoList;
export type VideoGetRoute = typeof videoGet;
export type VideoRetryRoute = typeof videoRetry;
export type VideoDeleteRoute = typeof videoDelete;
