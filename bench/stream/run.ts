/**
 * bench/stream — GET /stream/{filename} of the platform (wrangler dev: workerd + local R2) against the
 * seed's own stack (FastAPI FileResponse under uvicorn), the same 200 MB file, measured alternately in one
 * run; then, on a 1 GB object, the time to first byte of `Range: bytes=-1024` divided by a full read.
 * Prints ratios (this machine is noisy; absolute numbers mean little). Loopback only.
 *
 *   npx -y -p node@24 -- npm run bench:stream          (ROUNDS=5 SIZE_MB=200 BIG_MB=1024 to change)
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, createWriteStream, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { startFixtureServer } from "../../test/fixtures/server.ts";
import { freePort, repoRoot, startProcess, startTranscoder, startWorker, waitForHttp } from "../../test/support/processes.ts";

const run = promisify(execFile);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SIZE_MB = Number(process.env.SIZE_MB ?? 200);
const BIG_MB = Number(process.env.BIG_MB ?? 1024);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** curl is a neutral client for both servers: same parser, same buffers, output to /dev/null. */
async function curl(url: string, headers: string[] = []): Promise<{ total: number; ttfb: number; bytes: number; status: number }> {
  const args = ["-s", "-o", "/dev/null", "-w", "%{time_total} %{time_starttransfer} %{size_download} %{http_code}", ...headers.flatMap((h) => ["-H", h]), url];
  const { stdout } = await run("curl", args, { maxBuffer: 1 << 20 });
  const [total, ttfb, bytes, status] = stdout.trim().split(" ").map(Number);
  return { total: total!, ttfb: ttfb!, bytes: bytes!, status: status! };
}

async function download(base: string, tiktokUser: string): Promise<string> {
  const id = `7${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 19);
  const res = await fetch(`${base}/download`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: `https://www.tiktok.com/@${tiktokUser}/video/${id}` }),
  });
  if (!res.ok) throw new Error(`download failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { files: { name: string }[] };
  return body.files[0]!.name;
}

async function main() {
  const fixtures = await startFixtureServer();
  const workerPort = await freePort();
  const token = "bench-token-bench-token";
  const transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, `http://127.0.0.1:${workerPort}`] });
  const worker = await startWorker(
    {
      APP_ENV: "test",
      TRANSCODER_URL: transcoder.url,
      TRANSCODER_TOKEN: token,
      SOURCE_FIXTURE_ORIGIN: fixtures.origin,
      JWT_SECRET: "bench-jwt-secret-bench-jwt-secret-bench-jwt",
      BLOB_SIGNING_SECRET: "bench-blob-secret-bench-blob-secret-bench",
      SYNC_TASK_TIMEOUT_SECONDS: "900",
      TASK_LEASE_SECONDS: "900",
      SAVER_RATE_BURST: "100000",
      STREAM_RATE_BURST: "100000",
    },
    { port: workerPort },
  );
  const work = mkdtempSync(path.join(tmpdir(), "bench-stream-"));
  let fastapi: ReturnType<typeof startProcess> | undefined;
  try {
    console.log(`preparing: ${SIZE_MB} MB and ${BIG_MB} MB files through /download (yt-dlp → transcoder → R2)…`);
    const name = await download(worker.url, `big${SIZE_MB}mb`);
    const bigName = await download(worker.url, `big${BIG_MB}mb`);

    // The FastAPI server serves the very bytes the platform stored.
    const res = await fetch(`${worker.url}/stream/${name}`);
    await pipeline(Readable.fromWeb(res.body! as never), createWriteStream(path.join(work, name)));
    const fastapiPort = await freePort();
    fastapi = startProcess("fastapi", "/usr/bin/python3", [path.join(repoRoot, "bench/stream/fastapi_server.py"), "--dir", work, "--port", String(fastapiPort)], {});
    await waitForHttp(`http://127.0.0.1:${fastapiPort}/stream/missing`, 30_000, (r) => r.status === 404);

    const platformUrl = `${worker.url}/stream/${name}`;
    const fastapiUrl = `http://127.0.0.1:${fastapiPort}/stream/${name}`;
    await curl(platformUrl);
    await curl(fastapiUrl);
    const platform: number[] = [];
    const seed: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate, so drift in machine load hits both sides alike.
      const a = await curl(platformUrl);
      const b = await curl(fastapiUrl);
      if (a.bytes !== b.bytes || a.status !== 200 || b.status !== 200) throw new Error(`mismatch: ${JSON.stringify({ a, b })}`);
      platform.push(a.bytes / a.total / 1e6);
      seed.push(b.bytes / b.total / 1e6);
    }

    const bigUrl = `${worker.url}/stream/${bigName}`;
    const ttfb: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const tail = await curl(bigUrl, ["Range: bytes=-1024"]);
      if (tail.status !== 206 || tail.bytes !== 1024) throw new Error(`range answer ${tail.status} ${tail.bytes}`);
      ttfb.push(tail.ttfb);
      if (i < 3) full.push((await curl(bigUrl)).total);
    }

    const result = {
      date: new Date().toISOString(),
      rounds: ROUNDS,
      sizeMB: SIZE_MB,
      platformMBps: median(platform),
      fastapiMBps: median(seed),
      throughputRatio: median(platform) / median(seed),
      bigMB: BIG_MB,
      rangeTailTtfbSeconds: median(ttfb),
      fullReadSeconds: median(full),
      ttfbToFullRatio: median(ttfb) / median(full),
    };
    console.log("");
    console.log(`GET /stream/{filename}, ${SIZE_MB} MB, median of ${ROUNDS} alternating runs (curl → loopback):`);
    console.log(`  platform (wrangler dev, workerd + local R2): ${result.platformMBps.toFixed(1)} MB/s`);
    console.log(`  FastAPI FileResponse (uvicorn):              ${result.fastapiMBps.toFixed(1)} MB/s`);
    console.log(`  ratio platform / FastAPI:                    ${result.throughputRatio.toFixed(2)}   (goal ≥ 1.0)`);
    console.log(`Range: bytes=-1024 on ${BIG_MB} MB: TTFB ${(result.rangeTailTtfbSeconds * 1000).toFixed(1)} ms, full read ${result.fullReadSeconds.toFixed(2)} s`);
    console.log(`  ratio TTFB / full read:                      ${result.ttfbToFullRatio.toFixed(4)}   (goal ≤ 0.01)`);
    mkdirSync(path.join(repoRoot, "bench/results"), { recursive: true });
    writeFileSync(path.join(repoRoot, "bench/results/stream.json"), JSON.stringify(result, null, 2));
  } finally {
    await fastapi?.stop();
    await worker.stop();
    await transcoder.stop();
    await fixtures.close();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
