/**
 * "Fast at a million events" as a property of the plans: the SQL the analytics routes run (taken from the
 * same builders) searches the daily table's primary key and reads the URL counts down their index, with no
 * full scan and no temporary b-tree, so their cost does not grow with the events table (which neither reads).
 * bench/studio/analytics.ts measures the timings.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { dailyStatsQuery, topUrlsQuery } from "../../../../worker/faces/studio/analytics/stats";

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

async function planOf(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string[]> {
  const { sql, params } = query.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<PlanRow>();
  return results.map((r) => r.detail);
}

const expectNoScanOrSort = (plan: string[]) => {
  for (const step of plan) {
    expect(step, plan.join(" | ")).not.toMatch(/TEMP B-TREE/);
    expect(step, plan.join(" | ")).not.toMatch(/studio_events/);
  }
};

describe("analytics query plans", () => {
  it("should answer stats by a range search of the daily table's primary key, in its order", async () => {
    const plan = await planOf(dailyStatsQuery(getDb(env), "2031-01-01", "2031-12-31"));
    expect(plan).toHaveLength(1);
    expect(plan[0]).toMatch(/^SEARCH studio_daily_stats USING INDEX sqlite_autoindex_studio_daily_stats_1 \(day>\? AND day<\?\)$/);
    expectNoScanOrSort(plan);
  });

  it("should answer top by reading the (requests, url) index backwards, covering, without a sort", async () => {
    const plan = await planOf(topUrlsQuery(getDb(env), 10));
    expect(plan).toHaveLength(1);
    // A SCAN of a covering index stopped by LIMIT reads `limit` entries; a SCAN of the table would read them all.
    expect(plan[0]).toBe("SCAN studio_url_counts USING COVERING INDEX studio_url_counts_top_idx");
    expectNoScanOrSort(plan);
  });
});
