/**
 * Archive 100 fixture videos (`archive.bulk`, limit 100) through the platform — job created → final
 * WebSocket message — vs the yt-dlp command line downloading the same 100 video pages one after another
 * (`yt-dlp -o … <page URL>` per id, as a person scripting it would). Goal: platform ≤ 0.5× the time.
 *
 * Rounds alternate which contender goes first. Each platform round runs on a fresh stack (new persist dir):
 * a video already archived is never downloaded again, so a second job on the same stack would measure
 * nothing. Stack start-up is not timed; the listing (yt-dlp reading the profile feed) is, the command line
 * side is handed the ids. Also printed: fixture requests per video (pages, media) for both contenders, and
 * the parallelism the platform reached (from the `downloading` → `uploaded` events of each video).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { userVideos } from "../../test/fixtures/tiktok-catalogue.ts";
import { archiveProfile, bundleWorker, call, fmtSummary, startArchiveStack, startFixtures, summary, type Received } from "./stack.ts";

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const USER = "archive.bulk";
const COUNT = 100;

/** Requests the fixture server saw, by kind: video pages, media files, profile feeds. */
function requestsByKind(hits: Record<string, number>) {
  const sum = (re: RegExp) => Object.entries(hits).reduce((n, [p, c]) => (re.test(p) ? n + c : n), 0);
  return { pages: sum(/^\/tiktok\/@[^/]+\/video\//), media: sum(/^\/tiktok\/media\//), feeds: sum(/^\/tiktok\/@[^/]+\/?$/) };
}

/**
 * How many videos were between `downloading` and their last status at once: the peak, and the mean over the
 * span from the first `downloading` to the last settle (time-weighted), by the Worker's `at` clock.
 */
function parallelism(received: Received[]) {
  const spans = new Map<string, { start?: number; end?: number }>();
  for (const { message } of received) {
    if (!message.video) continue;
    const s = spans.get(message.video.id) ?? {};
    if (message.video.status === "downloading") s.start ??= message.at;
    if (message.video.status === "uploaded" || message.video.status === "failed") s.end = message.at;
    spans.set(message.video.id, s);
  }
  const done = [...spans.values()].filter((s): s is { start: number; end: number } => s.start !== undefined && s.end !== undefined);
  const edges = done.flatMap((s) => [[s.start, 1] as const, [s.end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (open += d));
  const first = Math.min(...done.map((s) => s.start));
  const last = Math.max(...done.map((s) => s.end));
  const busy = done.reduce((n, s) => n + (s.end - s.start), 0);
  return { peak, mean: busy / Math.max(1, last - first), perVideo: summary(done.map((s) => (s.end - s.start) / 1000)), videos: done.length };
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-archive-"));
  const fixtures = await startFixtures();
  const ids = userVideos(USER)!.slice(0, COUNT).map((v) => v.id);
  const pageUrl = (id: string) => `${fixtures.origin}/tiktok/@${USER}/video/${id}`;
  const { stdout: version } = await run("yt-dlp", ["--version"]);
  console.log(`${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; yt-dlp ${version.trim()}; ${ROUNDS} rounds`);
  const bundle = await bundleWorker(work);

  const platform: number[] = [];
  const cli: number[] = [];
  const platformRun = async (round: number) => {
    const stack = await startArchiveStack(bundle, fixtures);
    try {
      fixtures.reset();
      const result = await archiveProfile(stack, USER, COUNT);
      if (result.final.job.status !== "completed" || result.final.job.successful_downloads !== COUNT) {
        throw new Error(`round ${round}: the job ended ${JSON.stringify(result.final.job)}`);
      }
      platform.push(result.seconds);
      const req = requestsByKind(fixtures.hits());
      const par = parallelism(result.received);
      const listed = (await (await call(stack, `/api/v1/videos?value=${USER}&limit=${COUNT}`)).json()) as { videos: { file_size: number | null }[] };
      const bytes = listed.videos.reduce((n, v) => n + (v.file_size ?? 0), 0);
      console.log(
        `round ${round} platform: ${result.seconds.toFixed(1)} s for ${COUNT} videos; fixture requests: ${req.feeds} feed, ${req.pages} pages, ${req.media} media; ` +
          `${result.received.length} WebSocket messages; videos in flight: peak ${par.peak}, mean ${par.mean.toFixed(2)}; ` +
          `per video downloading→uploaded min ${par.perVideo.min.toFixed(1)} s median ${par.perVideo.median.toFixed(1)} s max ${par.perVideo.max.toFixed(1)} s; ` +
          `${(bytes / 1e6).toFixed(1)} MB stored`,
      );
    } finally {
      await stack.stop();
    }
  };
  const cliRun = async (round: number) => {
    const out = path.join(work, `ytdlp-${round}`);
    fixtures.reset();
    const start = performance.now();
    for (const id of ids) await run("yt-dlp", ["-q", "--no-progress", "-o", path.join(out, "%(id)s.%(ext)s"), pageUrl(id)], { cwd: work });
    const seconds = (performance.now() - start) / 1000;
    const files = await readdir(out);
    if (files.length !== COUNT) throw new Error(`round ${round}: yt-dlp left ${files.length} files`);
    const bytes = (await Promise.all(files.map((f) => stat(path.join(out, f))))).reduce((n, s) => n + s.size, 0);
    cli.push(seconds);
    const req = requestsByKind(fixtures.hits());
    console.log(`round ${round} yt-dlp:   ${seconds.toFixed(1)} s for ${COUNT} videos; fixture requests: ${req.pages} pages, ${req.media} media; ${(bytes / 1e6).toFixed(1)} MB written`);
    await rm(out, { recursive: true, force: true });
  };

  try {
    for (let round = 1; round <= ROUNDS; round++) {
      if (round % 2 === 1) {
        await platformRun(round);
        await cliRun(round);
      } else {
        await cliRun(round);
        await platformRun(round);
      }
    }
    console.log("");
    console.log(`platform (job created → final message): ${fmtSummary(platform, "s")}`);
    console.log(`yt-dlp one by one:                      ${fmtSummary(cli, "s")}`);
    console.log(`platform / yt-dlp (medians): ${(summary(platform).median / summary(cli).median).toFixed(2)}×  (goal ≤ 0.5×)`);
    console.log(`per round: ${platform.map((p, i) => `${(p / cli[i]!).toFixed(2)}×`).join("  ")}`);
  } finally {
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
