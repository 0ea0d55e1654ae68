/**
 * `GET /api/v1/jobs/{id}/archive.zip` of 100 archived fixture videos: peak growth of workerd's resident
 * memory while the archive streams (goal < 64 MB), and its throughput beside streaming the same number of
 * bytes as one R2 object through the platform's blob GET (`/internal/blobs/{token}/{name}`, the signed read
 * the transcoder uses), goal ≥ 0.8×. The 100 videos are archived first by a job on the same stack; the one
 * object is written once through the blob PUT. Rounds alternate which download goes first. A third figure,
 * the same 100 videos fetched one after another through their signed links (the job's `drive_links`),
 * shows what opening 100 stored objects in sequence costs on this stack, which the archive also does.
 *
 * RSS is the sum over the workerd processes below `wrangler dev`, sampled every 10 ms; growth is over its
 * level just before each request. Local R2 is miniflare's simulator inside workerd, so both downloads also
 * pay for the simulator's reads, and it charges every object opened a fixed cost. Two profiles: the small
 * fixture clips (about 110 kB each, an 11 MB archive), where that per-object cost is most of the time, and
 * TikTok-sized videos (archive.heavy, about 6 MB each, a 600 MB archive), where the bytes are.
 */
import { createHmac, randomBytes } from "node:crypto";
import os from "node:os";
import { mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { rssBytes, workerdPids } from "../../test/e2e/support/worker-entry.ts";
import { archiveProfile, bundleWorker, call, fmtSummary, startArchiveStack, startFixtures, summary, type ArchiveStack } from "./stack.ts";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Small fixture clips (about 110 kB), where each stored file's open dominates, then TikTok-sized ones (about 6 MB). */
const USERS = (process.env.BENCH_ZIP_USERS ?? "archive.bulk,archive.heavy").split(",");
const COUNT = 100;
const MB = 1_000_000;

/** A signed blob URL, as worker/media/signed-urls.ts signs them (the bench holds BLOB_SIGNING_SECRET). */
function blobUrl(stack: ArchiveStack, grant: { p: string; m: "GET" | "PUT"; e: number; s?: number; n?: string }, name: string): string {
  const payload = Buffer.from(JSON.stringify(grant)).toString("base64url");
  const mac = createHmac("sha256", stack.vars.BLOB_SIGNING_SECRET!).update(payload).digest("base64url");
  return `${stack.url}/internal/blobs/${payload}.${mac}/${encodeURIComponent(name)}`;
}

interface Download {
  status: number;
  bytes: number;
  seconds: number;
  /** Peak RSS growth of workerd over its level just before the request. */
  peak: number;
}

async function download(stack: ArchiveStack, send: () => Promise<Response>): Promise<Download> {
  const pids = workerdPids(stack.worker.child.pid!);
  if (pids.length === 0) throw new Error("no workerd process found under wrangler dev");
  const total = () => pids.reduce((n, pid) => n + rssBytes(pid), 0);
  const baseline = total();
  let peak = 0;
  const sample = () => (peak = Math.max(peak, total() - baseline));
  const sampler = setInterval(sample, 10);
  const start = performance.now();
  try {
    const res = await send();
    let bytes = 0;
    const reader = res.body!.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
    const seconds = (performance.now() - start) / 1000;
    sample();
    return { status: res.status, bytes, seconds, peak };
  } finally {
    clearInterval(sampler);
  }
}

/** Archives COUNT videos of `user`, then measures archive.zip beside one object of the same size. */
async function measure(stack: ArchiveStack, user: string, rounds: number) {
  const job = await archiveProfile(stack, user, COUNT);
  if (job.final.job.successful_downloads !== COUNT) throw new Error(`the job ended ${JSON.stringify(job.final.job)}`);
  console.log(`\n${user}: archived ${COUNT} videos in ${job.seconds.toFixed(1)} s (job ${job.jobId})`);

  const zip = () => download(stack, () => call(stack, `/api/v1/jobs/${job.jobId}/archive.zip`));
  const first = await zip();
  if (first.status !== 200) throw new Error(`archive.zip answered ${first.status}`);
  const size = first.bytes;
  console.log(`archive.zip: ${(size / MB).toFixed(2)} MB (${COUNT} videos of ${(size / COUNT / MB).toFixed(2)} MB + metadata.json); first request ${first.seconds.toFixed(2)} s, RSS growth ${(first.peak / MB).toFixed(1)} MB (not counted)`);

  const expires = Math.floor(Date.now() / 1000) + 3600;
  const prefix = `bench/one-file-${user}`;
  const put = await fetch(blobUrl(stack, { p: prefix, m: "PUT", e: expires, s: size }, "archive.bin"), {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
    body: randomBytes(size),
  });
  if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${await put.text()}`);
  const one = () => download(stack, () => fetch(blobUrl(stack, { p: prefix, m: "GET", e: expires, n: "archive.bin" }, "archive.bin")));
  const warm = await one();
  if (warm.status !== 200 || warm.bytes !== size) throw new Error(`blob GET answered ${warm.status} with ${warm.bytes} bytes`);

  const detail = (await (await call(stack, `/api/v1/jobs/${job.jobId}`)).json()) as { drive_links: { video_link: string }[] };
  const links = detail.drive_links.map((l) => l.video_link);
  if (links.length !== COUNT) throw new Error(`the job has ${links.length} links`);
  const oneByOne = async () => {
    const start = performance.now();
    let bytes = 0;
    for (const link of links) bytes += (await (await fetch(link)).arrayBuffer()).byteLength;
    return { seconds: (performance.now() - start) / 1000, bytes };
  };

  const zips: Download[] = [];
  const singles: Download[] = [];
  const sequences: { seconds: number; bytes: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? ([zip, one] as const) : ([one, zip] as const);
    for (const fn of order) {
      const d = await fn();
      if (d.status !== 200 || d.bytes !== size) throw new Error(`round ${round}: ${d.status}, ${d.bytes} bytes of ${size}`);
      (fn === zip ? zips : singles).push(d);
    }
    sequences.push(await oneByOne());
    const [z, s, q] = [zips.at(-1)!, singles.at(-1)!, sequences.at(-1)!];
    console.log(
      `round ${round}: archive.zip ${(size / MB / z.seconds).toFixed(1)} MB/s (${z.seconds.toFixed(2)} s, RSS +${(z.peak / MB).toFixed(1)} MB)   ` +
        `one object ${(size / MB / s.seconds).toFixed(1)} MB/s (${s.seconds.toFixed(2)} s, RSS +${(s.peak / MB).toFixed(1)} MB)   ` +
        `100 links in turn ${(q.bytes / MB / q.seconds).toFixed(1)} MB/s (${q.seconds.toFixed(2)} s)`,
    );
  }
  const rate = (ds: Download[]) => ds.map((d) => size / MB / d.seconds);
  console.log(`archive.zip peak RSS growth: ${fmtSummary(zips.map((d) => d.peak / MB), "MB")}   (goal < 64 MB)`);
  console.log(`one object peak RSS growth:  ${fmtSummary(singles.map((d) => d.peak / MB), "MB")}`);
  console.log(`archive.zip throughput:      ${fmtSummary(rate(zips), "MB/s")}`);
  console.log(`one object throughput:       ${fmtSummary(rate(singles), "MB/s")}`);
  console.log(`100 links in turn:           ${fmtSummary(sequences.map((q) => q.bytes / MB / q.seconds), "MB/s")}`);
  console.log(`zip / one object (medians):  ${(summary(rate(zips)).median / summary(rate(singles)).median).toFixed(2)}×   (goal ≥ 0.8×)`);
  console.log(`archive.zip time per stored file (median): ${((summary(zips.map((d) => d.seconds)).median / COUNT) * 1000).toFixed(1)} ms`);
}

async function main() {
  const work = await mkdtemp(path.join(os.tmpdir(), "bench-zip-"));
  const fixtures = await startFixtures();
  console.log(`${os.availableParallelism()} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const stack = await startArchiveStack(await bundleWorker(work), fixtures);
  try {
    for (const user of USERS) await measure(stack, user, ROUNDS);
  } finally {
    await stack.stop();
    await fixtures.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
