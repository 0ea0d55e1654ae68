/**
 * Seed 004's scheduled jobs under /api/v1/scheduled-jobs. A schedule starts one archive job per interval
 * (the cron pass runs every minute); its run counters are counted from the jobs it created.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { archiverErrors, errorResponses } from "../../lib/error-format";
import { json, jsonBody } from "../../lib/openapi";
import { JobIdParam } from "./schemas";
import * as S from "./schedules-schemas";

const tags = ["Archiver: scheduled jobs (seed 004)"];

const errors = (more: Record<number, string> = {}) =>
  errorResponses(archiverErrors, { 401: "Missing or wrong X-API-Key", 429: "Over RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST per key", ...more });

const RUNS_NOTE =
  " `total_runs` counts the jobs the schedule created that still exist, `successful_runs` those completed and `failed_runs` those failed;" +
  " a deleted job is no longer counted.";

export const scheduleCreate = createRoute({
  method: "post",
  path: "/api/v1/scheduled-jobs",
  tags,
  summary: "Create a recurring scheduled job",
  description:
    "An enabled schedule's first run is due at once: the next cron pass (within a minute) creates its first job, then one job every `interval_minutes`. " +
    "Each run is a job like `POST /jobs` with the schedule's mode, value, limit and no_watermark, and `schedule_id` set. " +
    "Exactly one job per interval, however often the cron fires; a schedule that could not run for several intervals (cron stopped, or disabled) runs once, then keeps its grid." +
    RUNS_NOTE,
  request: jsonBody(S.ScheduleCreate),
  responses: { 201: json(S.Schedule, "The schedule"), ...errors({ 422: "Validation error (interval_minutes below 5, a value starting with @ or #, limit outside 1-200)" }) },
});

export const scheduleList = createRoute({
  method: "get",
  path: "/api/v1/scheduled-jobs",
  tags,
  summary: "List scheduled jobs, oldest first",
  description: "`enabled=true` or `enabled=false` keeps only enabled or disabled schedules." + RUNS_NOTE,
  request: { query: S.ScheduleListQuery },
  responses: { 200: json(z.array(S.Schedule), "Schedules"), ...errors({ 422: "Validation error (enabled is not a boolean)" }) },
});

export const scheduleGet = createRoute({
  method: "get",
  path: "/api/v1/scheduled-jobs/{job_id}",
  tags,
  summary: "One scheduled job",
  request: { params: JobIdParam },
  responses: { 200: json(S.Schedule, "The schedule"), ...errors({ 404: "No such scheduled job" }) },
});

export const scheduleUpdate = createRoute({
  method: "patch",
  path: "/api/v1/scheduled-jobs/{job_id}",
  tags,
  summary: "Update a scheduled job (fields absent from the body keep their value)",
  description:
    "A new `interval_minutes` counts from the last run (`next_run_at` = `last_run_at` + interval, due at the next cron pass when that is past; " +
    "a schedule that never ran stays due). Enabling a schedule whose `next_run_at` is past makes it due now. Jobs already created are not changed.",
  request: { params: JobIdParam, ...jsonBody(S.SchedulePatch) },
  responses: { 200: json(S.Schedule, "The schedule"), ...errors({ 404: "No such scheduled job", 422: "Validation error" }) },
});

export const scheduleToggle = createRoute({
  method: "post",
  path: "/api/v1/scheduled-jobs/{job_id}/toggle",
  tags,
  summary: "Enable a disabled scheduled job, or disable an enabled one",
  description: "Enabling makes a `next_run_at` already past due now (one run at the next cron pass, not one per missed interval); a future one stays.",
  request: { params: JobIdParam },
  responses: { 200: json(S.Schedule, "The schedule"), ...errors({ 404: "No such scheduled job" }) },
});

export const scheduleDelete = createRoute({
  method: "delete",
  path: "/api/v1/scheduled-jobs/{job_id}",
  tags,
  summary: "Delete a scheduled job",
  description: "The jobs it created stay (their `schedule_id` then names a schedule that no longer exists).",
  request: { params: JobIdParam },
  responses: { 204: { description: "Deleted" }, ...errors({ 404: "No such scheduled job" }) },
});

export type ScheduleCreateRoute = typeof scheduleCreate;
export type ScheduleListRoute = typeof scheduleList;
export type ScheduleGetRoute = typeof scheduleGet;
export type ScheduleUpdateRoute = typeof scheduleUpdate;
export type ScheduleToggleRoute = typeof scheduleToggle;
export type ScheduleDeleteRoute = typeof scheduleDelete;
