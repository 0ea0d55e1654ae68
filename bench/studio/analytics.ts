/**
 * Studio analytics benchmark: is `GET /api/v1/analytics/{stats,top}` as fast at 1,000,000 recorded events as
 * at 1,000? Two `wrangler dev`, each with its own local D1, filled by `wrangler d1 execute --local --file` as
 * recordStudioEvent writes — the event row, its day's counters and its URL's count, with the same upserts —
 * one with 1,000 events, the other with 1,000,000; each route timed against both in alternation. Prints the
 * p50s side by side (median, min and max of the p50 over several rounds) with their ratio (goal ≤ 1.5×), and
 * the routes' EXPLAIN QUERY PLAN at 1,000,000.
 *
 * Seeding differs from the Worker in one way: a seed file adds its events' sums per day and per URL in one
 * upsert each (`requests + excluded.requests`) rather than one upsert per event; the rows that result are
 * the same. Every statement stays inside D1's 100 values per statement (DESIGN.md's limits table).
 *
 *   node bench/studio/analytics.ts
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startWorker } from "../../test/support/processes.ts";
import { d1Query, seedInFiles } from "../support/local-d1.ts";
import { benchWorkerVars, percentile } from "../social/stack.ts";

const SMALL = 1_000;
const LARGE = 1_000_000;
/** Events per seed file (one `wrangler d1 execute` each). */
const FILE_EVENTS = 100_000;
const REQUESTS = 40;
const WARMUP = 5;
const ROUNDS = 5;
const DAYS = 365;
const URLS = 100_000;
/** The D1 cap on bound values per statement, kept by the seed's multi-row statements too. */
const MAX_VALUES = 100;

const KINDS = ["download", "download", "download", "download", "download", "script", "edit", "compress", "process", "request"] as const;
const DAY_MS = 86_400_000;
const TODAY = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());

/** A deterministic spread in [0, 1) per event. */
const unit = (i: number) => ((Math.imul(i + 1, 2_654_435_761) >>> 0) % 1_000_003) / 1_000_003;

interface Event {
  day: string;
  kind: (typeof KINDS)[number];
  url: string | null;
  ok: boolean;
  cacheHit: boolean | null;
  durationMs: number;
  createdAt: number;
}

function eventAt(i: number): Event {
  const kind = KINDS[i % KINDS.length]!;
  const at = TODAY - (i % DAYS) * DAY_MS + (i % 86_400) * 1000;
  // Squared spread: a few URLs are requested often, most rarely (as a top list expects).
  const url = kind === "download" || kind === "process" ? `https://www.tiktok.com/@bench/video/7${String(Math.floor(unit(i) ** 2 * URLS)).padStart(18, "0")}` : null;
  return {
    day: new Date(at).toISOString().slice(0, 10),
    kind,
    url,
    ok: i % 17 !== 0,
    cacheHit: kind === "download" ? i % 3 !== 0 : null,
    durationMs: (i * 31) % 5000,
    createdAt: at,
  };
}

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
const COUNTERS = { download: "downloads", script: "scripts", edit: "edits", compress: "compressions", process: "processes" } as const;
const DAY_COLUMNS = ["requests", "downloads", "cache_hits", "scripts", "edits", "compressions", "processes", "failures", "processing_ms_total", "processing_count"] as const;
type DaySums = Record<(typeof DAY_COLUMNS)[number], number>;

/** recordStudioEvent's three writes for events `from..to-1`, as SQL. */
function seedSql(from: number, to: number): string {
  const out: string[] = [];
  const rowsPer = (columns: number) => Math.floor(MAX_VALUES / columns);
  const events: string[] = [];
  const days = new Map<string, DaySums>();
  const urls = new Map<string, { requests: number; last: number }>();
  for (let i = from; i < to; i++) {
    const e = eventAt(i);
    events.push(`(${q(e.day)},${q(e.kind)},${e.url ? q(e.url) : "NULL"},${e.ok ? 1 : 0},${e.cacheHit === null ? "NULL" : e.cacheHit ? 1 : 0},${e.durationMs},${e.createdAt})`);
    const d = days.get(e.day) ?? (Object.fromEntries(DAY_COLUMNS.map((c) => [c, 0])) as DaySums);
    d.requests += 1;
    if (e.kind !== "request") d[COUNTERS[e.kind]] += 1;
    if (e.cacheHit) d.cache_hits += 1;
    if (!e.ok) d.failures += 1;
    if (e.kind !== "request") {
      d.processing_ms_total += e.durationMs;
      d.processing_count += 1;
    }
    days.set(e.day, d);
    if (e.url) {
      const u = urls.get(e.url) ?? { requests: 0, last: 0 };
      u.requests += 1;
      u.last = Math.max(u.last, e.createdAt);
      urls.set(e.url, u);
    }
  }
  const per = rowsPer(7);
  for (let i = 0; i < events.length; i += per) {
    out.push(`INSERT INTO studio_events (day,kind,url,ok,cache_hit,duration_ms,created_at) VALUES ${events.slice(i, i + per).join(",")};`);
  }
  const dayRows = [...days].map(([day, s]) => `(${q(day)},${DAY_COLUMNS.map((c) => s[c]).join(",")})`);
  const dayPer = rowsPer(DAY_COLUMNS.length + 1);
  const daySet = DAY_COLUMNS.map((c) => `${c} = studio_daily_stats.${c} + excluded.${c}`).join(", ");
  for (let i = 0; i < dayRows.length; i += dayPer) {
    out.push(`INSERT INTO studio_daily_stats (day,${DAY_COLUMNS.join(",")}) VALUES ${dayRows.slice(i, i + dayPer).join(",")} ON CONFLICT(day) DO UPDATE SET ${daySet};`);
  }
  const urlRows = [...urls].map(([url, u]) => `(${q(url)},${u.requests},${u.last})`);
  const urlPer = rowsPer(3);
  for (let i = 0; i < urlRows.length; i += urlPer) {
    out.push(
      `INSERT INTO studio_url_counts (url,requests,last_requested_at) VALUES ${urlRows.slice(i, i + urlPer).join(",")} ` +
        `ON CONFLICT(url) DO UPDATE SET requests = studio_url_counts.requests + excluded.requests, last_requested_at = max(studio_url_counts.last_requested_at, excluded.last_requested_at);`,
    );
  }
  return out.join("\n");
}

const ROUTES = ["/api/v1/analytics/stats?days=7", "/api/v1/analytics/stats?days=365", "/api/v1/analytics/top", "/api/v1/analytics/top?limit=100"] as const;
type Timing = { min: number; median: number; max: number };

/** The API must see what was seeded: a year's requests are every event. */
async function expectEvents(base: string, events: number) {
  const probe = (await (await fetch(`${base}/api/v1/analytics/stats?days=365`)).json()) as { totals: { requests: number } };
  if (probe.totals.requests !== events) throw new Error(`the Worker at ${base} sees ${probe.totals.requests} events, not ${events}`);
}

async function timed(url: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(url);
  await res.json();
  if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
  return performance.now() - start;
}

/**
 * Each route against both Workers, one request to each in turn: on a machine shared with other work, load
 * that comes and goes falls on both sides alike instead of on whichever size happened to be measured then.
 */
async function measure(small: string, large: string): Promise<Map<string, [Timing, Timing]>> {
  const out = new Map<string, [Timing, Timing]>();
  const summary = (p50s: number[]): Timing => ({ min: Math.min(...p50s), median: percentile(p50s, 50), max: Math.max(...p50s) });
  for (const route of ROUTES) {
    const p50s: [number[], number[]] = [[], []];
    for (let round = 0; round < ROUNDS; round++) {
      const times: [number[], number[]] = [[], []];
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const a = await timed(`${small}${route}`);
        const b = await timed(`${large}${route}`);
        if (i >= WARMUP) {
          times[0].push(a);
          times[1].push(b);
        }
      }
      p50s[0].push(percentile(times[0], 50));
      p50s[1].push(percentile(times[1], 50));
    }
    out.set(route, [summary(p50s[0]), summary(p50s[1])]);
  }
  return out;
}

const ms = (t: Timing) => `${t.median.toFixed(1).padStart(6)} ms (${t.min.toFixed(1)}–${t.max.toFixed(1)})`;

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-studio-analytics-"));
  const smallDir = path.join(work, "small");
  const largeDir = path.join(work, "large");
  console.log(`${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}; starting two wrangler dev (${SMALL.toLocaleString("en-US")} and ${LARGE.toLocaleString("en-US")} events)…`);
  const small = await startWorker(benchWorkerVars(), { persistDir: smallDir });
  try {
    const large = await startWorker(benchWorkerVars(), { persistDir: largeDir });
    try {
      await seedInFiles(smallDir, work, "events", 0, SMALL - 1, FILE_EVENTS, (a, b) => seedSql(a, b + 1));
      await seedInFiles(largeDir, work, "events", 0, LARGE - 1, FILE_EVENTS, (a, b) => seedSql(a, b + 1));
      await expectEvents(small.url, SMALL);
      await expectEvents(large.url, LARGE);
      const [{ n: urls = 0 } = {}] = await d1Query<{ n: number }>(largeDir, "SELECT count(*) AS n FROM studio_url_counts");
      console.log(`${urls.toLocaleString("en-US")} distinct URLs at ${LARGE.toLocaleString("en-US")} events; load ${os.loadavg()[0]!.toFixed(1)}`);
      console.log(`${REQUESTS} requests per route and size after ${WARMUP} warm-up, alternating sizes, ${ROUNDS} rounds: p50 median (min–max of the rounds)`);
      console.log("");
      console.log(`route                               p50 @ ${SMALL.toLocaleString("en-US")}              p50 @ ${LARGE.toLocaleString("en-US")}          ratio (goal ≤ 1.5)`);
      for (const [route, [a, b]] of await measure(small.url, large.url)) {
        console.log(`${route.padEnd(34)}  ${ms(a)}   ${ms(b)}   ${(b.median / a.median).toFixed(2)}×`);
      }

      console.log("");
      console.log(`EXPLAIN QUERY PLAN at ${LARGE.toLocaleString("en-US")} events (the SQL drizzle sends for each route):`);
      const plans: [string, string][] = [
        ["stats", `select "day", "requests", "downloads", "cache_hits", "scripts", "edits", "compressions", "processes", "failures", "processing_ms_total", "processing_count" from "studio_daily_stats" where "studio_daily_stats"."day" between '2025-01-01' and '2025-12-31' order by "studio_daily_stats"."day" desc`],
        ["top", `select "url", "requests" from "studio_url_counts" order by "studio_url_counts"."requests" desc, "studio_url_counts"."url" desc limit 100`],
      ];
      for (const [name, sql] of plans) {
        const rows = await d1Query<{ detail: string }>(largeDir, `EXPLAIN QUERY PLAN ${sql}`);
        console.log(`  ${name.padEnd(6)} ${rows.map((r) => r.detail).join(" | ")}`);
      }
    } finally {
      await large.stop();
    }
  } finally {
    await small.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
