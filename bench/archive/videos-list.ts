/**
 * `GET /api/v1/videos` with each filter at 1,000 vs 100,000 archived videos (goal: p50 ratio ≤ 1.5× per
 * filter). One stack; video rows (and their hashtag rows) seeded straight into its local D1 with
 * `wrangler d1 execute --local --file`, as bench/social/reels-list.ts seeds reels; default page (50).
 *
 * The seeded archive grows the way a real one does: the same accounts, authors and hashtags, each with more
 * videos, so a filter matches 100× more rows at 100,000 (the share of rows each filter matches is printed).
 * Each request's `total` is checked against the seeded figures. Then `EXPLAIN QUERY PLAN` of the page and
 * count queries listVideos (worker/faces/archiver/videos.ts) runs for each filter, in the SQL drizzle builds.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { d1Execute, seedInFiles } from "../support/local-d1.ts";
import { percentile } from "../social/stack.ts";
import { bundleWorker, call, startArchiveStack, startFixtures } from "./stack.ts";

const SMALL = 1_000;
const LARGE = 100_000;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const WARMUP = 5;
const ROWS_PER_STATEMENT = 100;
const ROWS_PER_FILE = 25_000;
const BASE = Date.UTC(2025, 0, 1);
const JOB_ID = "bench-job";

/** The seeded video `i` (1-based): which account, author, hashtags and status it has. */
const video = (i: number) => {
  const mode = i % 5 === 0 ? "hashtag" : "profile";
  return {
    id: `bench${String(i).padStart(7, "0")}`,
    mode,
    value: mode === "profile" ? `user${i % 20}` : `tag${i % 10}`,
    author: `author${i % 50}`,
    tags: [`tag${i % 10}`, `topic${i % 4}`],
    status: i % 25 === 0 ? "failed" : i % 100 === 1 ? "pending" : "uploaded",
    // Spread over time but not in id order, so the created_at order is not the id order.
    created: BASE + ((i * 7919) % LARGE) * 1000 + i,
  };
};
type Video = ReturnType<typeof video>;

const FILTERS: { name: string; query: string; matches: (v: Video) => boolean; where: string; tag?: string }[] = [
  { name: "none", query: "", matches: () => true, where: "" },
  { name: "mode+value", query: "mode=profile&value=user3", matches: (v) => v.mode === "profile" && v.value === "user3", where: `"archiver_videos"."mode" = 'profile' and "archiver_videos"."value" = 'user3'` },
  { name: "author_username", query: "author_username=author7", matches: (v) => v.author === "author7", where: `"archiver_videos"."author_username" = 'author7'` },
  { name: "hashtag", query: "hashtag=tag3", matches: (v) => v.tags.includes("tag3"), where: "", tag: "tag3" },
  { name: "status=failed", query: "status=failed", matches: (v) => v.status === "failed", where: `"archiver_videos"."status" = 'failed'` },
  { name: "status=uploaded", query: "status=uploaded", matches: (v) => v.status === "uploaded", where: `"archiver_videos"."status" = 'uploaded'` },
];

const sqlText = (s: string) => `'${s.replaceAll("'", "''")}'`;

function seedSql(from: number, to: number): string {
  const out: string[] = [];
  const flush = (head: string, rows: string[]) => {
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(`${head} VALUES ${rows.slice(i, i + ROWS_PER_STATEMENT).join(",")};`);
  };
  if (from === 1) {
    out.push(`INSERT INTO archiver_jobs (id, mode, value, "limit", no_watermark, created_at) VALUES ('${JOB_ID}', 'profile', 'bench', 200, 1, ${BASE});`);
  }
  const videos: string[] = [];
  const tags: string[] = [];
  for (let i = from; i <= to; i++) {
    const v = video(i);
    const folder = `TikTok/${v.mode}/${v.value}/2025/01`;
    videos.push(
      `(${sqlText(v.id)},'${JOB_ID}',${sqlText(v.mode)},${sqlText(v.value)},${sqlText(`https://www.tiktok.com/@${v.author}/video/${v.id}`)},` +
        `${sqlText(`clip ${i} ${v.tags.map((t) => `#${t}`).join(" ")}`)},${sqlText(v.author)},${i % 1000},${i % 100},${i % 10},${sqlText(JSON.stringify(v.tags))},` +
        `${sqlText(folder)},${sqlText(v.status)},${v.created},${v.created})`,
    );
    for (const t of v.tags) tags.push(`(${sqlText(t)},${sqlText(v.id)},${v.created})`);
  }
  flush(
    "INSERT INTO archiver_videos (id,job_id,mode,value,url,\"desc\",author_username,views,likes,comments,hashtags,folder_path,status,created_at,updated_at)",
    videos,
  );
  flush("INSERT INTO archiver_video_hashtags (tag,video_id,created_at)", tags);
  return out.join("\n");
}

async function measure(stack: Awaited<ReturnType<typeof startArchiveStack>>, size: number): Promise<Map<string, number>> {
  const all = Array.from({ length: size }, (_, i) => video(i + 1));
  const out = new Map<string, number>();
  for (const f of FILTERS) {
    const expected = all.filter(f.matches).length;
    const url = `/api/v1/videos${f.query ? `?${f.query}` : ""}`;
    const times: number[] = [];
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const start = performance.now();
      const res = await call(stack, url);
      const body = (await res.json()) as { total: number; videos: unknown[] };
      const ms = performance.now() - start;
      if (res.status !== 200 || body.total !== expected || body.videos.length !== Math.min(50, expected)) {
        throw new Error(`${url}: ${res.status}, total ${body.total} (expected ${expected}), ${body.videos?.length} videos`);
      }
      if (i >= WARMUP) times.push(ms);
    }
    out.set(f.name, percentile(times, 50));
    console.log(
      `  ${size.toLocaleString("en-US").padStart(7)} videos  ${f.name.padEnd(16)} matches ${expected.toLocaleString("en-US").padStart(6)}  ` +
        `p50 ${percentile(times, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(times, 99).toFixed(1).padStart(6)} ms`,
    );
  }
  return out;
}

const COLUMNS = [
  "id", "job_id", "mode", "value", "url", "desc", "author_username", "author_nickname", "views", "likes", "comments", "shares", "created_at_tiktok",
  "hashtags", "music_title", "has_watermark", "file_size", "duration", "folder_path", "file_id", "metadata_file_id", "drive_file_id",
  "drive_metadata_file_id", "drive_video_link", "drive_metadata_link", "status", "error_message", "task_id", "created_at", "updated_at",
].map((c) => `"archiver_videos"."${c}"`).join(", ");

/** The page and count statements drizzle builds in videoQueries, with the values inlined. */
function statements(f: (typeof FILTERS)[number]): [string, string] {
  if (f.tag) {
    const where = `where "archiver_video_hashtags"."tag" = ${sqlText(f.tag)}`;
    const from = `from "archiver_video_hashtags" inner join "archiver_videos" on "archiver_videos"."id" = "archiver_video_hashtags"."video_id"`;
    return [
      `select ${COLUMNS} ${from} ${where} order by "archiver_video_hashtags"."created_at" desc, "archiver_video_hashtags"."video_id" desc limit 50 offset 0`,
      `select count(*) ${from} ${where}`,
    ];
  }
  const where = f.where ? `where (${f.where})` : "";
  return [
    `select ${COLUMNS} from "archiver_videos" ${where} order by "archiver_videos"."created_at" desc, "archiver_videos"."id" desc limit 50 offset 0`,
    `select count(*) from "archiver_videos" ${where}`,
  ];
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-videos-"));
  const persistDir = path.join(work, "state");
  const fixtures = await startFixtures();
  console.log(`${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; starting wrangler dev…`);
  const stack = await startArchiveStack(await bundleWorker(work), fixtures, { persistDir });
  try {
    await seedInFiles(persistDir, work, "videos (and 2 hashtag rows each)", 1, SMALL, ROWS_PER_FILE, seedSql);
    console.log(`GET /api/v1/videos (default page of 50), ${REQUESTS} requests per filter after ${WARMUP} warm-up:`);
    const small = await measure(stack, SMALL);
    await seedInFiles(persistDir, work, "videos (and 2 hashtag rows each)", SMALL + 1, LARGE, ROWS_PER_FILE, seedSql);
    const large = await measure(stack, LARGE);

    console.log("");
    console.log(`filter             p50 @ ${SMALL.toLocaleString("en-US")}   p50 @ ${LARGE.toLocaleString("en-US")}   ratio (goal ≤ 1.5)`);
    for (const [name, a] of small) {
      const b = large.get(name)!;
      console.log(`${name.padEnd(16)}   ${a.toFixed(1).padStart(7)} ms   ${b.toFixed(1).padStart(8)} ms   ${(b / a).toFixed(2)}×${b / a > 1.5 ? "  MISSES" : ""}`);
    }

    console.log("");
    console.log(`EXPLAIN QUERY PLAN at ${LARGE.toLocaleString("en-US")} videos (listVideos runs the page and the count query together):`);
    const queries = FILTERS.flatMap((f) => {
      const [page, counted] = statements(f);
      return [[`${f.name} page`, page], [`${f.name} count`, counted]] as const;
    });
    const results = JSON.parse(await d1Execute(persistDir, ["--json", "--command", queries.map(([, sql]) => `EXPLAIN QUERY PLAN ${sql}`).join(";\n")])) as { results: { detail: string }[] }[];
    if (results.length !== queries.length) throw new Error(`expected ${queries.length} plans, got ${results.length}`);
    queries.forEach(([name, sql], i) => {
      console.log(`  ${name.padEnd(22)} ${results[i]!.results.map((r) => r.detail).join(" | ")}`);
      if (process.env.BENCH_SHOW_SQL) console.log(`    ${sql}`);
    });
  } finally {
    await stack.stop();
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
