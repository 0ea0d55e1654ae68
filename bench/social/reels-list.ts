/**
 * Reels list benchmark (`npm run bench:social`, first half). One `wrangler dev`; reels (with their like and
 * view rows, the counters in the reel row matching them) seeded into its local D1 by
 * `wrangler d1 execute --local --file`; GET /api/v1/reels/reels/list (default page: 20 items, offset 0)
 * timed 50 times for every sort_by × order at 1,000 reels, then again after topping up to 100,000.
 * Prints per sort the two p50s and their ratio (goal ≤ 1.5×), and the list queries' EXPLAIN QUERY PLAN.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startWorker } from "../../test/support/processes.ts";
import { d1Query, seedInFiles } from "../support/local-d1.ts";
import { benchWorkerVars, percentile } from "./stack.ts";

const SMALL = 1_000;
const LARGE = 100_000;
const REQUESTS = 50;
const WARMUP = 5;
const ROWS_PER_STATEMENT = 100;
const SORTS = ["created_at", "likes", "views"] as const;
const ORDERS = ["desc", "asc"] as const;

const likesOf = (i: number) => (i * 7919) % 4;
const viewsOf = (i: number) => (i * 104_729) % 5;
const BASE = Date.UTC(2025, 0, 1);

/** INSERT statements for reels `from..to` (1-based ids), their like rows and their view rows. */
function seedSql(from: number, to: number): string {
  const out: string[] = [];
  const flush = (head: string, rows: string[]) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(`${head} VALUES ${rows.slice(i, i + ROWS_PER_STATEMENT).join(",")};`);
  };
  const reels: string[] = [];
  const likes: string[] = [];
  const views: string[] = [];
  for (let i = from; i <= to; i++) {
    // Timestamps spread over the range but not in id order, so the created_at order is not the id order.
    const created = BASE + ((i * 7919) % LARGE) * 1000 + i;
    reels.push(`(${i},'bench reel ${i}',${likesOf(i)},${viewsOf(i)},0,'social/reels/bench-${i}/',${created},${created})`);
    for (let u = 1; u <= likesOf(i); u++) likes.push(`(${u},${i},${created})`);
    for (let u = 1; u <= viewsOf(i); u++) views.push(`(${u},${i},${created})`);
  }
  flush("INSERT INTO social_reels (id,en_title,likes_count,views_count,comment_count,r2_prefix,created_at,updated_at)", reels);
  flush("INSERT INTO social_likes (user_id,reels_id,created_at)", likes);
  flush("INSERT INTO social_views (user_id,reels_id,created_at)", views);
  return out.join("\n");
}

type Key = `${(typeof SORTS)[number]} ${(typeof ORDERS)[number]}`;

async function measure(base: string, expectTotal: number): Promise<Map<Key, { p50: number; p99: number }>> {
  // The API must see what was seeded (the last page of the largest offset is not empty).
  const probe = await fetch(`${base}/api/v1/reels/reels/list?limit=1&offset=${expectTotal - 1}`);
  const seen = ((await probe.json()) as { items: unknown[] }).items.length;
  if (probe.status !== 200 || seen !== 1) throw new Error(`the Worker does not see ${expectTotal} reels (status ${probe.status}, ${seen} items)`);
  const out = new Map<Key, { p50: number; p99: number }>();
  for (const sort of SORTS) {
    for (const order of ORDERS) {
      const url = `${base}/api/v1/reels/reels/list?sort_by=${sort}&order=${order}`;
      const times: number[] = [];
      for (let i = 0; i < WARMUP + REQUESTS; i++) {
        const start = performance.now();
        const res = await fetch(url);
        const body = (await res.json()) as { items: unknown[] };
        const ms = performance.now() - start;
        if (res.status !== 200 || body.items.length !== 20) throw new Error(`${url}: ${res.status}, ${body.items?.length} items`);
        if (i >= WARMUP) times.push(ms);
      }
      const p50 = percentile(times, 50);
      const p99 = percentile(times, 99);
      out.set(`${sort} ${order}`, { p50, p99 });
      console.log(`  ${expectTotal.toLocaleString("en-US").padStart(7)} reels  ${`${sort} ${order}`.padEnd(16)} p50 ${p50.toFixed(1).padStart(6)} ms  p99 ${p99.toFixed(1).padStart(6)} ms`);
    }
  }
  return out;
}

const COLUMNS = `"id", "video_id", "en_title", "kk_title", "ru_title", "en_description", "kk_description", "ru_description", "preview_file_id", "likes_count", "views_count", "comment_count", "r2_prefix", "creator_user_id", "created_at", "updated_at"`;
const COLUMN_OF = { created_at: "created_at", likes: "likes_count", views: "views_count" } as const;

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-reels-"));
  const persistDir = path.join(work, "state");
  console.log(`${os.cpus().length} cores; starting wrangler dev…`);
  const worker = await startWorker(benchWorkerVars(), { persistDir });
  try {
    await seedInFiles(persistDir, work, "reels", 1, SMALL, SMALL, seedSql);
    console.log(`GET /api/v1/reels/reels/list (20 items), ${REQUESTS} requests per sort after ${WARMUP} warm-up:`);
    const small = await measure(worker.url, SMALL);
    await seedInFiles(persistDir, work, "reels", SMALL + 1, LARGE, LARGE, seedSql);
    const large = await measure(worker.url, LARGE);

    console.log("");
    console.log(`sort/order         p50 @ ${SMALL.toLocaleString("en-US")}   p50 @ ${LARGE.toLocaleString("en-US")}   ratio (goal ≤ 1.5)`);
    for (const [key, a] of small) {
      const b = large.get(key)!;
      console.log(`${key.padEnd(16)}   ${a.p50.toFixed(1).padStart(7)} ms   ${b.p50.toFixed(1).padStart(8)} ms   ${(b.p50 / a.p50).toFixed(2)}×`);
    }

    console.log("");
    console.log(`EXPLAIN QUERY PLAN at ${LARGE.toLocaleString("en-US")} reels (the list's page query, then its per-page comment and like look-ups):`);
    const plans: [string, string][] = [];
    for (const sort of SORTS) {
      for (const order of ORDERS) {
        const dir = order.toUpperCase();
        plans.push([
          `page ${sort} ${order}`,
          `select ${COLUMNS} from "social_reels" order by "social_reels"."${COLUMN_OF[sort]}" ${dir}, "social_reels"."id" ${dir} limit 20 offset 0`,
        ]);
      }
    }
    const ids = Array.from({ length: 20 }, (_, i) => LARGE - i).join(", ");
    plans.push([
      "latest comments",
      `SELECT reels_id, user_id, comment, created_at FROM (SELECT reels_id, user_id, comment, created_at, id, ROW_NUMBER() OVER (PARTITION BY reels_id ORDER BY id DESC) AS n FROM social_comments WHERE reels_id IN (${ids})) WHERE n <= 3 ORDER BY reels_id, id DESC`,
    ]);
    plans.push(["liked by user", `select "reels_id" from "social_likes" where ("social_likes"."reels_id" in (${ids}) and "social_likes"."user_id" = 1)`]);
    for (const [name, sql] of plans) {
      const rows = await d1Query<{ detail: string }>(persistDir, `EXPLAIN QUERY PLAN ${sql}`);
      console.log(`  ${name.padEnd(20)} ${rows.map((r) => r.detail).join(" | ")}`);
    }
  } finally {
    await worker.stop();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
