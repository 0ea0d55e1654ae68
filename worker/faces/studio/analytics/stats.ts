/**
 * The read side of the studio's analytics: per-day figures from `studio_daily_stats` (one row per day, read
 * by its primary key's range) and the most requested URLs from `studio_url_counts` (read down the
 * (requests, url) index). Neither touches `studio_events`, so their cost does not grow with the number of
 * events. The queries are exported as builders so their plans can be checked against the SQL that runs.
 */
import { between, desc } from "drizzle-orm";
import { getDb, type Db } from "../../../db/client";
import { studioDailyStats, studioUrlCounts } from "../../../db/schema";
import { utcDay } from "./record";

const DAY_MS = 86_400_000;

export interface DayFigures {
  requests: number;
  downloads: number;
  cache_hits: number;
  /** cache_hits ÷ downloads, 0 when there were no downloads. */
  cache_hit_rate: number;
  scripts: number;
  edits: number;
  compressions: number;
  processes: number;
  failures: number;
  /** Seconds per timed event (media work), 0 when there was none. */
  average_processing_time: number;
}

export interface StudioStats {
  success: true;
  days: number;
  /** Oldest and newest day of the range, `YYYY-MM-DD` (UTC). */
  from: string;
  to: string;
  /** Newest first, every day of the range, days without events as zeros. */
  daily: (DayFigures & { date: string })[];
  totals: DayFigures;
}

type Sums = Omit<typeof studioDailyStats.$inferSelect, "day">;

const ZERO: Sums = { requests: 0, downloads: 0, cacheHits: 0, scripts: 0, edits: 0, compressions: 0, processes: 0, failures: 0, processingMsTotal: 0, processingCount: 0 };

const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

function figures(s: Sums): DayFigures {
  return {
    requests: s.requests,
    downloads: s.downloads,
    cache_hits: s.cacheHits,
    cache_hit_rate: s.downloads > 0 ? round(s.cacheHits / s.downloads, 4) : 0,
    scripts: s.scripts,
    edits: s.edits,
    compressions: s.compressions,
    processes: s.processes,
    failures: s.failures,
    average_processing_time: s.processingCount > 0 ? round(s.processingMsTotal / s.processingCount / 1000, 3) : 0,
  };
}

/** The range's rows, newest first: a range scan of the primary key, already in order. */
export const dailyStatsQuery = (db: Db, from: string, to: string) =>
  db.select().from(studioDailyStats).where(between(studioDailyStats.day, from, to)).orderBy(desc(studioDailyStats.day));

/**
 * The top URLs: read backwards down (requests, url), so ties go to the greater URL — an order the index
 * gives without sorting (requests DESC, url ASC would need a temporary b-tree over every row).
 */
export const topUrlsQuery = (db: Db, limit: number) =>
  db
    .select({ url: studioUrlCounts.url, requests: studioUrlCounts.requests })
    .from(studioUrlCounts)
    .orderBy(desc(studioUrlCounts.requests), desc(studioUrlCounts.url))
    .limit(limit);

/** The `days` UTC days ending today (`now`), newest first. */
export const dayRange = (days: number, now: number): string[] => Array.from({ length: days }, (_, i) => utcDay(now - i * DAY_MS));

export async function studioStats(env: Env, days: number, now = Date.now()): Promise<StudioStats> {
  const range = dayRange(days, now);
  const to = range[0]!;
  const from = range[range.length - 1]!;
  const rows = await dailyStatsQuery(getDb(env), from, to);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const totals: Sums = { ...ZERO };
  const daily = range.map((date) => {
    const row = byDay.get(date);
    const sums: Sums = row ? row : ZERO;
    for (const key of Object.keys(totals) as (keyof Sums)[]) totals[key] += sums[key];
    return { date, ...figures(sums) };
  });
  return { success: true, days, from, to, daily, totals: figures(totals) };
}

export interface TopUrls {
  success: true;
  limit: number;
  urls: { url: string; requests: number }[];
}

export async function topUrls(env: Env, limit: number): Promise<TopUrls> {
  return { success: true, limit, urls: await topUrlsQuery(getDb(env), limit) };
}
