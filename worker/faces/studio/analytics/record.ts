/**
 * Recording the studio's analytics events. Each event is inserted and added to its day's totals (and its
 * URL's count) in one D1 batch, so the read side answers from one row per day and an index on the counts,
 * whatever the number of events.
 */
import { sql } from "drizzle-orm";
import { getDb } from "../../../db/client";
import { studioDailyStats, studioEvents, studioUrlCounts, type StudioEventKind } from "../../../db/schema";

/** One request the studio answered (or one webhook delivery it took): `request` for those with no media work. */
export interface StudioEvent {
  kind: StudioEventKind;
  ok: boolean;
  /** The source URL a request named (counted for /analytics/top). */
  url?: string;
  cacheHit?: boolean;
  durationMs?: number;
}

/** `YYYY-MM-DD` of a UTC instant. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const COUNTER: Partial<Record<StudioEventKind, keyof typeof studioDailyStats.$inferInsert>> = {
  download: "downloads",
  script: "scripts",
  edit: "edits",
  compress: "compressions",
  process: "processes",
};

export async function recordStudioEvent(env: Env, event: StudioEvent, now = Date.now()): Promise<void> {
  const db = getDb(env);
  const day = utcDay(now);
  const counter = COUNTER[event.kind];
  const timed = event.durationMs !== undefined && event.kind !== "request";
  const increments = {
    requests: 1,
    downloads: counter === "downloads" ? 1 : 0,
    cacheHits: event.cacheHit ? 1 : 0,
    scripts: counter === "scripts" ? 1 : 0,
    edits: counter === "edits" ? 1 : 0,
    compressions: counter === "compressions" ? 1 : 0,
    processes: counter === "processes" ? 1 : 0,
    failures: event.ok ? 0 : 1,
    processingMsTotal: timed ? Math.round(event.durationMs ?? 0) : 0,
    processingCount: timed ? 1 : 0,
  };
  const insertEvent = db.insert(studioEvents).values({
    day,
    kind: event.kind,
    url: event.url ?? null,
    ok: event.ok,
    cacheHit: event.cacheHit ?? null,
    durationMs: event.durationMs === undefined ? null : Math.round(event.durationMs),
    createdAt: new Date(now),
  });
  const addToDay = db
    .insert(studioDailyStats)
    .values({ day, ...increments })
    .onConflictDoUpdate({
      target: studioDailyStats.day,
      set: {
        requests: sql`${studioDailyStats.requests} + ${increments.requests}`,
        downloads: sql`${studioDailyStats.downloads} + ${increments.downloads}`,
        cacheHits: sql`${studioDailyStats.cacheHits} + ${increments.cacheHits}`,
        scripts: sql`${studioDailyStats.scripts} + ${increments.scripts}`,
        edits: sql`${studioDailyStats.edits} + ${increments.edits}`,
        compressions: sql`${studioDailyStats.compressions} + ${increments.compressions}`,
        processes: sql`${studioDailyStats.processes} + ${increments.processes}`,
        failures: sql`${studioDailyStats.failures} + ${increments.failures}`,
        processingMsTotal: sql`${studioDailyStats.processingMsTotal} + ${increments.processingMsTotal}`,
        processingCount: sql`${studioDailyStats.processingCount} + ${increments.processingCount}`,
      },
    });
  if (event.url === undefined) {
    await db.batch([insertEvent, addToDay]);
    return;
  }
  const countUrl = db
    .insert(studioUrlCounts)
    .values({ url: event.url, requests: 1, lastRequestedAt: new Date(now) })
    .onConflictDoUpdate({ target: studioUrlCounts.url, set: { requests: sql`${studioUrlCounts.requests} + 1`, lastRequestedAt: new Date(now) } });
  await db.batch([insertEvent, addToDay, countUrl]);
}

/**
 * Record without failing the request it describes: analytics are best effort, the response is not.
 * Runs after the response through waitUntil when an execution context is given.
 */
export function recordLater(env: Env, waitUntil: ((p: Promise<unknown>) => void) | undefined, event: StudioEvent): void {
  const done = recordStudioEvent(env, event).catch((err: unknown) =>
    console.warn(JSON.stringify({ level: "warn", event: "studio.analytics_failed", kind: event.kind, error: String(err) })),
  );
  if (waitUntil) waitUntil(done);
}
