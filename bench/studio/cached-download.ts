/**
 * Cached vs first download through the running platform: `POST /api/v1/download` of a fixture TikTok
 * video (test/fixtures/tiktok-catalogue.ts) the platform has never seen (a fresh catalogue video per
 * round: yt-dlp via the transcoder, upload to R2, D1 rows), then the same request again, answered from
 * the cache (`from_cache: true`, no fetch at the fixture server). Goal: cached ≤ 5 % of the first.
 * One untimed download of another video first, so the Worker's cold start is in neither column.
 */
import { z } from "zod";
import { userVideos } from "../../test/fixtures/tiktok-catalogue.ts";
import { startFixtureServer } from "../../test/fixtures/server.ts";
import { bundleWorker, fmtSummary, summary } from "../archive/stack.ts";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { postJson, startStudioStack, type StudioStack } from "./stack.ts";

/** Cached requests timed per round; their median is the round's cached figure. */
const CACHED_PER_ROUND = 5;
const USER = "archive.bulk";

const downloadSchema = z.object({ success: z.literal(true), file_path: z.string(), file_size: z.number(), duration: z.number(), from_cache: z.boolean() });

const download = async (stack: StudioStack, url: string) => {
  const start = performance.now();
  const res = await postJson(stack, "/api/v1/download", { url });
  const text = await res.text();
  const ms = performance.now() - start;
  if (res.status !== 200) throw new Error(`POST /api/v1/download answered ${res.status}: ${text}`);
  return { ms, body: downloadSchema.parse(JSON.parse(text)) };
};

export const benchCachedDownload = async (rounds: number): Promise<string[]> => {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-studio-download-"));
  const fixtures = await startFixtureServer();
  const videos = userVideos(USER)!.filter((v) => !v.broken).slice(-(rounds + 1));
  let stack: StudioStack | undefined;
  try {
    stack = await startStudioStack(await bundleWorker(work), fixtures);
    const urlOf = (id: string) => `https://www.tiktok.com/@${USER}/video/${id}`;
    await download(stack, urlOf(videos[0]!.id));

    const first: number[] = [];
    const cached: number[] = [];
    const perRound: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const video = videos[round]!;
      fixtures.reset();
      const fresh = await download(stack, urlOf(video.id));
      if (fresh.body.from_cache) throw new Error(`round ${round}: the first download of ${video.id} said from_cache`);
      const again: number[] = [];
      for (let i = 0; i < CACHED_PER_ROUND; i++) {
        const hit = await download(stack, urlOf(video.id));
        if (!hit.body.from_cache || hit.body.file_path !== fresh.body.file_path) throw new Error(`round ${round}: a repeat was not a cache hit: ${JSON.stringify(hit.body)}`);
        again.push(hit.ms);
      }
      const pageHits = fixtures.hits()[`/tiktok/@${USER}/video/${video.id}`] ?? 0;
      first.push(fresh.ms);
      cached.push(...again);
      perRound.push(summary(again).median / fresh.ms);
      console.log(
        `download round ${round}: ${video.id} (${video.clip}, ${fresh.body.file_size} B) first ${fresh.ms.toFixed(0)} ms, cached ${again.map((ms) => ms.toFixed(1)).join(" / ")} ms; ` +
          `fixture page fetched ${pageHits}×`,
      );
    }
    const ratio = summary(cached).median / summary(first).median;
    const r = summary(perRound);
    const lines = [
      `(3) first download   ${fmtSummary(first, "ms", 0)}  (${first.length} fresh videos)`,
      `    cached download  ${fmtSummary(cached, "ms", 1)}  (${cached.length} requests)`,
      `    cached / first (medians) ${(ratio * 100).toFixed(2)} %  goal ≤ 5 %; per round min ${(r.min * 100).toFixed(2)} % median ${(r.median * 100).toFixed(2)} % max ${(r.max * 100).toFixed(2)} %`,
    ];
    for (const line of lines) console.log(line);
    return lines;
  } finally {
    await stack?.stop();
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
};
