/**
 * `/reels/reels/list`: every sort and order, limit (default 20, max 100) and offset; counters that stay
 * exact when likes repeat; and query plans that walk an index instead of sorting the table.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { chunksOf } from "../../../../worker/db/d1-limits";
import { socialReels } from "../../../../worker/db/schema";
import { reelPageQuery, type ReelSort } from "../../../../worker/faces/social/service";
import { call } from "../../support/http";
import { formEncoded, jsonOf, multipart } from "./client";
import { mp4Bytes } from "./images";

interface Item {
  id: number;
  created_at: string;
  likes_count: number;
  views_count: number;
}

const SEEDED = 250;

/** Reels written straight to D1 with spread-out counters and timestamps (ties included, broken by id). */
async function seedReels(n: number) {
  const base = Date.UTC(2025, 0, 1);
  const rows = Array.from({ length: n }, (_, i) => ({
    likesCount: (i * 7919) % 37,
    viewsCount: (i * 104_729) % 53,
    r2Prefix: `social/reels/seed-${i}/`,
    createdAt: new Date(base + ((i * 31) % n) * 1000),
    updatedAt: new Date(base),
  }));
  // drizzle binds six values a row here (defaults included): 16 rows stay within D1's 100 bound parameters.
  for (const part of chunksOf(rows, 16)) await getDb(env).insert(socialReels).values(part);
}

async function page(qs: string): Promise<Item[]> {
  return (await jsonOf<{ items: Item[] }>(await call(`/api/v1/reels/reels/list?${qs}`))).items;
}

const key: Record<ReelSort, (i: Item) => number> = {
  created_at: (i) => Date.parse(i.created_at),
  likes: (i) => i.likes_count,
  views: (i) => i.views_count,
};

describe("reels list", () => {
  beforeAll(async () => {
    await seedReels(SEEDED);
  });

  it("should default to 20 items and refuse more than 100", async () => {
    expect(await page("")).toHaveLength(20);
    expect(await page("limit=100")).toHaveLength(100);
    expect((await call("/api/v1/reels/reels/list?limit=101")).status).toBe(422);
  });

  it.each(["created_at", "likes", "views"] as const)("should order by %s in both directions, ties by id, across offsets", async (sortBy) => {
    for (const order of ["asc", "desc"] as const) {
      const all: Item[] = [];
      for (let offset = 0; offset < SEEDED; offset += 100) all.push(...(await page(`sort_by=${sortBy}&order=${order}&limit=100&offset=${offset}`)));
      expect(all.length).toBeGreaterThanOrEqual(SEEDED);
      const sign = order === "asc" ? 1 : -1;
      const expected = [...all].sort((a, b) => sign * (key[sortBy](a) - key[sortBy](b) || a.id - b.id));
      expect(all.map((i) => i.id)).toEqual(expected.map((i) => i.id));
      expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    }
  });

  it.each(["created_at", "likes", "views"] as const)("should read a page sorted by %s through its index, without sorting", async (sortBy) => {
    for (const order of ["asc", "desc"] as const) {
      const { sql, params } = reelPageQuery(env, { sort_by: sortBy, order, limit: 20, offset: 40 }).toSQL();
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .bind(...params)
        .all<{ detail: string }>();
      const plan = results.map((r) => r.detail).join(" | ");
      const index = { created_at: "social_reels_created_idx", likes: "social_reels_likes_idx", views: "social_reels_views_idx" }[sortBy];
      expect(plan, plan).toContain(`USING INDEX ${index}`);
      expect(plan, plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("should keep like, view and comment counters exact when likes repeat and removals repeat", async () => {
    const reel = await jsonOf<{ id: number }>(await multipart("/api/v1/reels/reels/upload", [["file", { bytes: mp4Bytes(), filename: "r.mp4", type: "video/mp4" }]]));
    await Promise.all([1, 1, 2, 2, 3].map((u) => formEncoded("/api/v1/likes/add", `user_id=${u}&reels_id=${reel.id}`).then((r) => jsonOf(r))));
    await jsonOf(await formEncoded("/api/v1/likes/remove", `user_id=3&reels_id=${reel.id}`, "DELETE"));
    await jsonOf(await formEncoded("/api/v1/likes/remove", `user_id=3&reels_id=${reel.id}`, "DELETE"));
    const views = await Promise.all([1, 2, 3].map((u) => formEncoded("/api/v1/views/add", `user_id=${u}&reels_id=${reel.id}`).then((r) => jsonOf<{ id: number }>(r))));
    await jsonOf(await call(`/api/v1/views/remove/${views[0]!.id}`, { method: "DELETE" }));
    expect((await call(`/api/v1/views/remove/${views[0]!.id}`, { method: "DELETE" })).status).toBe(404);
    const comment = await jsonOf<{ id: number }>(await formEncoded("/api/v1/comments/add", `user_id=1&reels_id=${reel.id}&comment=a`));
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=2&reels_id=${reel.id}&comment=b`));
    await jsonOf(await call(`/api/v1/comments/remove/${comment.id}`, { method: "DELETE" }));
    expect(await jsonOf(await call(`/api/v1/reels/reels/${reel.id}?user_id=2`))).toMatchObject({
      likes_count: 2,
      views_count: 2,
      comment_count: 1,
      is_liked: true,
      comments: [{ user_id: 2, text: "b" }],
    });
    // The newest reel (the seeded ones are dated 2025) shows the same counters in the list.
    expect(await page("sort_by=created_at&order=desc&limit=1")).toEqual([expect.objectContaining({ id: reel.id, likes_count: 2, views_count: 2 })]);
  });
});
