/**
 * Seed 003's priority queue (its `tiktok_queue_manager.py`): add a `process` job with a priority (1–10,
 * higher first) and a retry budget, list and read jobs, and count them. Jobs run on the platform task
 * engine; statuses map from task statuses as queue/jobs.ts documents.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { json, jsonBody } from "../../../lib/openapi";
import { studioErrorResponses, STUDIO_TAGS } from "../routes";
import { TikTokUrl } from "../schemas";
import { JOB_STATUSES } from "./jobs";

const STATUS_DOC =
  "pending: waiting to start, or waiting out the backoff before a retry; processing: running; completed: succeeded; " +
  "failed: out of attempts, a permanent error, cancelled, or its outputs expired";

export const AddJobRequest = z
  .object({
    url: TikTokUrl,
    priority: z.number().int().min(1).max(10).default(5).openapi({ example: 8, description: "1 (lowest) … 10 (highest); higher starts first" }),
    max_retries: z.number().int().min(0).max(10).default(3).openapi({ example: 3, description: "Retries after the first attempt, for retryable failures" }),
  })
  .openapi("StudioQueueAddRequest");

export const QueueJob = z
  .object({
    job_id: z.string().openapi({ example: "0b7c6f0e-5d8a-4b8e-9f3e-2a1d4c5b6a79" }),
    url: z.string(),
    priority: z.number().int().min(1).max(10),
    status: z.enum(JOB_STATUSES).openapi({ description: STATUS_DOC }),
    attempts: z.number().int().nonnegative().openapi({ description: "Attempts started so far (at most max_retries + 1)" }),
    max_retries: z.number().int().min(0).max(10),
    created_at: z.string().openapi({ example: "2024-01-01T12:00:00.000Z" }),
    finished_at: z.string().optional().openapi({ description: "When it completed or failed" }),
    error: z.string().optional().openapi({ description: "The last attempt's error (failed, or pending before a retry)" }),
    result: z.unknown().optional().openapi({ description: "The process result, when completed" }),
  })
  .openapi("StudioQueueJob");

/** POST and GET of one job answer the same flat body. */
export const JobResponse = QueueJob.extend({ success: z.literal(true) }).openapi("StudioQueueJobResponse");

export const ListJobsQuery = z.object({
  status: z.enum(JOB_STATUSES).optional().openapi({ param: { name: "status", in: "query" }, example: "pending" }),
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: "limit", in: "query" }, example: 20 }),
  offset: z.coerce.number().int().min(0).max(100_000).default(0).openapi({ param: { name: "offset", in: "query" }, example: 0 }),
});

export const ListJobsResponse = z
  .object({
    success: z.literal(true),
    jobs: z.array(QueueJob).openapi({ description: "Newest first" }),
    total: z.number().int().nonnegative().openapi({ description: "Jobs matching the filter, all pages" }),
  })
  .openapi("StudioQueueJobs");

export const JobParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "0b7c6f0e-5d8a-4b8e-9f3e-2a1d4c5b6a79" }),
});


const count = (description: string) => z.number().int().nonnegative().openapi({ description });

export const StatsResponse = z
  .object({
    success: z.literal(true),
    pending: count("Waiting to start or to retry"),
    processing: count("Running"),
    completed: count("Succeeded"),
    failed: count("Failed for good"),
    total: count("All jobs"),
  })
  .openapi("StudioQueueStats");

export const addJob = createRoute({
  method: "post",
  path: "/api/v1/queue/jobs",
  tags: STUDIO_TAGS,
  summary: "Add a process job to the priority queue",
  description:
    "Queues download → script → edit for `url` as one job. Higher `priority` starts first (ties: oldest first); a retryable " +
    "failure is tried again up to `max_retries` more times with backoff. Every call adds a new job.",
  request: jsonBody(AddJobRequest),
  responses: {
    201: json(JobResponse, "The queued job"),
    ...studioErrorResponses({ 400: "Missing or malformed body, a URL that is not a TikTok video, priority outside 1–10 or max_retries outside 0–10" }),
  },
});

export const listJobs = createRoute({
  method: "get",
  path: "/api/v1/queue/jobs",
  tags: STUDIO_TAGS,
  summary: "List queue jobs",
  description: `The caller's jobs, newest first, optionally of one status (${STATUS_DOC}).`,
  request: { query: ListJobsQuery },
  responses: { 200: json(ListJobsResponse, "A page of jobs"), ...studioErrorResponses({ 400: "Unknown status, or limit / offset out of range" }) },
});

export const getJob = createRoute({
  method: "get",
  path: "/api/v1/queue/jobs/{id}",
  tags: STUDIO_TAGS,
  summary: "One queue job",
  request: { params: JobParams },
  responses: { 200: json(JobResponse, "The job"), ...studioErrorResponses({ 404: "No such job (or another account's)" }) },
});

export const stats = createRoute({
  method: "get",
  path: "/api/v1/queue/stats",
  tags: STUDIO_TAGS,
  summary: "Queue statistics",
  description: `The caller's jobs counted by status (${STATUS_DOC}).`,
  responses: { 200: json(StatsResponse, "Counts by status"), ...studioErrorResponses() },
});

export type AddJobRoute = typeof addJob;
export type ListJobsRoute = typeof listJobs;
export type GetJobRoute = typeof getJob;
export type StatsRoute = typeof stats;
