/** Seed 004's statistics and health check under /api/v1/stats. */
import { createRoute } from "@hono/zod-openapi";
import { archiverErrors, errorResponses } from "../../lib/error-format";
import { json } from "../../lib/openapi";
import { Health, Stats } from "./stats-schemas";

const tags = ["Archiver: statistics (seed 004)"];

const errors = () =>
  errorResponses(archiverErrors, { 401: "Missing or wrong X-API-Key", 429: "Over RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST per key" });

export const statsGet = createRoute({
  method: "get",
  path: "/api/v1/stats",
  tags,
  summary: "System statistics",
  description: "Every counter is computed from the jobs, videos, stored files and schedules as they are at the time of the request.",
  responses: { 200: json(Stats, "Statistics"), ...errors() },
});

export const statsHealth = createRoute({
  method: "get",
  path: "/api/v1/stats/health",
  tags,
  summary: "Health of the database, Google Drive and the scheduler",
  description: "Always 200 when the service answers: a failing check shows as `false` and `status: \"degraded\"`, so monitors read the body.",
  responses: { 200: json(Health, "Health"), ...errors() },
});

export type StatsGetRoute = typeof statsGet;
export type StatsHealthRoute = typeof statsHealth;
