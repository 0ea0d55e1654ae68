/**
 * Seed 003's analytics: per-day figures and the most requested URLs, both read from aggregates kept at
 * recording time (analytics/record.ts). What is counted: every request that does media work or takes a
 * webhook delivery records one event (download, generate-script, edit, process, compress, webhooks);
 * reads — /health, GET /api/v1/video/…, the analytics and queue listings — are not counted, so watching the
 * figures does not change them.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { json } from "../../../lib/openapi";
import { studioErrorResponses, STUDIO_TAGS } from "../routes";

const count = (description: string) => z.number().int().nonnegative().openapi({ description });

const DayFigures = z.object({
  requests: count("Counted requests (every event, whatever its kind)"),
  downloads: count("POST /api/v1/download requests"),
  cache_hits: count("Downloads answered from the cache"),
  cache_hit_rate: z.number().min(0).max(1).openapi({ example: 0.75, description: "cache_hits ÷ downloads (4 decimals), 0 when there were no downloads" }),
  scripts: count("Script generations"),
  edits: count("Edits"),
  compressions: count("Compressions"),
  processes: count("Full process runs"),
  failures: count("Counted requests that failed"),
  average_processing_time: z.number().nonnegative().openapi({ example: 4.2, description: "Seconds per request that did media work (3 decimals), 0 when none" }),
});

export const StatsQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(7).openapi({ param: { name: "days", in: "query" }, example: 7 }),
});

export const StatsResponse = z
  .object({
    success: z.literal(true),
    days: z.number().int(),
    from: z.string().openapi({ example: "2024-01-01", description: "Oldest day of the range (UTC)" }),
    to: z.string().openapi({ example: "2024-01-07", description: "Today (UTC)" }),
    daily: z.array(DayFigures.extend({ date: z.string().openapi({ example: "2024-01-07" }) })).openapi({ description: "Newest first; every day of the range, zeros included" }),
    totals: DayFigures.openapi({ description: "The whole range (rates and averages over its sums)" }),
  })
  .openapi("StudioStats");

export const TopQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10).openapi({ param: { name: "limit", in: "query" }, example: 10 }),
});

export const TopResponse = z
  .object({
    success: z.literal(true),
    limit: z.number().int(),
    urls: z.array(z.object({ url: z.string(), requests: z.number().int().positive() })).openapi({ description: "Most requests first; ties by URL, descending" }),
  })
  .openapi("StudioTopUrls");

export const stats = createRoute({
  method: "get",
  path: "/api/v1/analytics/stats",
  tags: STUDIO_TAGS,
  summary: "Usage statistics per day",
  description:
    "The last `days` UTC days (1–365, default 7) including today, newest first, with the range's totals. Counted: requests that do media work or take a webhook delivery; reads (health, files, analytics, queue listings) are not.",
  request: { query: StatsQuery },
  responses: { 200: json(StatsResponse, "Figures per day and totals"), ...studioErrorResponses({ 400: "days is not an integer from 1 to 365" }) },
});

export const top = createRoute({
  method: "get",
  path: "/api/v1/analytics/top",
  tags: STUDIO_TAGS,
  summary: "Most requested URLs",
  description: "The `limit` (1–100, default 10) source URLs requested most, over all time, canonical form.",
  request: { query: TopQuery },
  responses: { 200: json(TopResponse, "The most requested URLs"), ...studioErrorResponses({ 400: "limit is not an integer from 1 to 100" }) },
});

export type StatsRoute = typeof stats;
export type TopRoute = typeof top;
