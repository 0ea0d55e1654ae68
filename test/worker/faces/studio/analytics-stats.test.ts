/**
 * Seed 003's analytics read side: exact per-day figures for events recorded across days (rates, averages,
 * zero days, the range's edges and totals), the top URLs' order and limit, and the routes' query bounds.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { studioUrlCounts } from "../../../../worker/db/schema";
import { recordStudioEvent, type StudioEvent } from "../../../../worker/faces/studio/analytics/record";
import { studioStats, type StudioStats } from "../../../../worker/faces/studio/analytics/stats";
import { call } from "../../support/http";

const DAY = 86_400_000;
// A clock of its own (no other test records events in 2031), at 01:00 UTC so `- n * DAY` stays inside day n.
const NOW = Date.UTC(2031, 4, 20, 1, 0, 0);

async function record(daysAgo: number, events: StudioEvent[]) {
  for (const [i, e] of events.entries()) await recordStudioEvent(env, e, NOW - daysAgo * DAY + i);
}

describe("analytics stats", () => {
  it("should give exact figures per day, zero days included, newest first, and the range's totals", async () => {
    // Today: 3 downloads (2 from the cache), 1 failed download, an edit, a compression, and a plain request.
    await record(0, [
      { kind: "download", ok: true, url: "https://www.tiktok.com/@a/video/1", cacheHit: false, durationMs: 4000 },
      { kind: "download", ok: true, url: "https://www.tiktok.com/@a/video/1", cacheHit: true, durationMs: 100 },
      { kind: "download", ok: true, url: "https://www.tiktok.com/@a/video/2", cacheHit: true, durationMs: 200 },
      { kind: "download", ok: false, url: "https://www.tiktok.com/@a/video/3", durationMs: 700 },
      { kind: "edit", ok: true, durationMs: 12_000 },
      { kind: "compress", ok: true, durationMs: 30_000 },
      { kind: "request", ok: true, durationMs: 5 },
    ]);
    // Two days ago: a failed compression and a script; yesterday nothing.
    await record(2, [
      { kind: "compress", ok: false, durationMs: 1500 },
      { kind: "script", ok: true, durationMs: 2500 },
    ]);
    // Seven days ago: outside a 7-day range (today and the six before it).
    await record(7, [{ kind: "download", ok: true, url: "https://www.tiktok.com/@a/video/9", cacheHit: true, durationMs: 1 }]);

    const stats = await studioStats(env, 7, NOW);
    expect(stats.days).toBe(7);
    expect(stats.to).toBe("2031-05-20");
    expect(stats.from).toBe("2031-05-14");
    expect(stats.daily.map((d) => d.date)).toEqual(["2031-05-20", "2031-05-19", "2031-05-18", "2031-05-17", "2031-05-16", "2031-05-15", "2031-05-14"]);
    const zero = { requests: 0, downloads: 0, cache_hits: 0, cache_hit_rate: 0, scripts: 0, edits: 0, compressions: 0, processes: 0, failures: 0, average_processing_time: 0 };
    expect(stats.daily[0]).toEqual({
      date: "2031-05-20",
      requests: 7,
      downloads: 4,
      cache_hits: 2,
      cache_hit_rate: 0.5,
      scripts: 0,
      edits: 1,
      compressions: 1,
      processes: 0,
      failures: 1,
      // The plain request is not media work: (4000 + 100 + 200 + 700 + 12000 + 30000) / 6 ms.
      average_processing_time: 7.833,
    });
    expect(stats.daily[1]).toEqual({ date: "2031-05-19", ...zero });
    expect(stats.daily[2]).toEqual({ date: "2031-05-18", ...zero, requests: 2, scripts: 1, compressions: 1, failures: 1, average_processing_time: 2 });
    for (const day of stats.daily.slice(3)) expect(day).toEqual({ date: day.date, ...zero });
    expect(stats.totals).toEqual({
      requests: 9,
      downloads: 4,
      cache_hits: 2,
      cache_hit_rate: 0.5,
      scripts: 1,
      edits: 1,
      compressions: 2,
      processes: 0,
      failures: 2,
      average_processing_time: 6.375,
    });

    // Eight days reach the event of seven days ago: its cache hit moves the total rate to 3/5.
    const eight: StudioStats = await studioStats(env, 8, NOW);
    expect(eight.daily[7]).toMatchObject({ date: "2031-05-13", downloads: 1, cache_hits: 1, cache_hit_rate: 1 });
    expect(eight.totals).toMatchObject({ requests: 10, downloads: 5, cache_hits: 3, cache_hit_rate: 0.6 });
    // One day: today alone.
    expect((await studioStats(env, 1, NOW)).daily).toEqual([stats.daily[0]]);
  });

  it("should round a repeating rate to four places", async () => {
    const at = Date.UTC(2032, 0, 10, 12);
    for (const [i, cacheHit] of [true, true, false].entries()) {
      await recordStudioEvent(env, { kind: "download", ok: true, url: "https://www.tiktok.com/@r/video/1", cacheHit, durationMs: 1000 }, at + i);
    }
    expect((await studioStats(env, 1, at)).daily[0]).toMatchObject({ downloads: 3, cache_hits: 2, cache_hit_rate: 0.6667, average_processing_time: 1 });
  });
});

describe("GET /api/v1/analytics/stats", () => {
  it("should answer the last N days ending today, count what is recorded today, and refuse days outside 1–365", async () => {
    const before = (await (await call("/api/v1/analytics/stats")).json()) as StudioStats;
    expect(before.days).toBe(7);
    expect(before.daily).toHaveLength(7);
    expect(before.to).toBe(new Date().toISOString().slice(0, 10));
    await recordStudioEvent(env, { kind: "edit", ok: true, durationMs: 1000 });
    const res = await call("/api/v1/analytics/stats?days=365");
    expect(res.status).toBe(200);
    const after = (await res.json()) as StudioStats;
    expect(after.daily).toHaveLength(365);
    expect(after.daily[0]!.edits).toBe(before.daily[0]!.edits + 1);
    for (const bad of ["0", "366", "-1", "1.5", "x"]) {
      const refused = await call(`/api/v1/analytics/stats?days=${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(await refused.json()).toMatchObject({ success: false });
    }
  });
});

describe("GET /api/v1/analytics/top", () => {
  it("should list the most requested URLs first, ties by URL descending, cut at limit (default 10)", async () => {
    // Counts far above anything other tests record, so these are the top whatever else ran in this file.
    const base = 9_000_000;
    const db = getDb(env);
    const urls = Array.from({ length: 12 }, (_, i) => ({ url: `https://www.tiktok.com/@top/video/${100 + i}`, requests: base + (i % 6) * 10, lastRequestedAt: new Date() }));
    await db.insert(studioUrlCounts).values(urls);
    // Recorded events add to the seeded counts: video/100 goes from base to base + 55, the most of all.
    for (let i = 0; i < 55; i++) await recordStudioEvent(env, { kind: "download", ok: true, url: "https://www.tiktok.com/@top/video/100", cacheHit: true, durationMs: 1 });

    const res = await call("/api/v1/analytics/top?limit=5");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      limit: 5,
      urls: [
        { url: "https://www.tiktok.com/@top/video/100", requests: base + 55 },
        { url: "https://www.tiktok.com/@top/video/111", requests: base + 50 },
        { url: "https://www.tiktok.com/@top/video/105", requests: base + 50 },
        { url: "https://www.tiktok.com/@top/video/110", requests: base + 40 },
        { url: "https://www.tiktok.com/@top/video/104", requests: base + 40 },
      ],
    });
    const byDefault = (await (await call("/api/v1/analytics/top")).json()) as { limit: number; urls: { requests: number }[] };
    expect(byDefault.limit).toBe(10);
    expect(byDefault.urls).toHaveLength(10);
    expect(byDefault.urls.map((u) => u.requests)).toEqual([...byDefault.urls.map((u) => u.requests)].sort((a, b) => b - a));
    for (const bad of ["0", "101", "x"]) expect((await call(`/api/v1/analytics/top?limit=${bad}`)).status, bad).toBe(400);
  });
});
