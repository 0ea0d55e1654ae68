/**
 * Time to playable (`npm run bench:social`, second half). A 120 s 720p clip (lavfi testsrc2 + sine, the
 * HLS benchmark's cached clip) uploaded through the real stack (`wrangler dev` + the transcoder) at
 * POST /api/v1/video/upload; from the moment the upload's response has arrived:
 *   (a) until the master playlist and the first segment of every rung it lists are served (200), and
 *   (b) until GET /api/v1/video/status/{id} says ready.
 * Prints both and (a)/(b) (goal ≤ 0.15, and (a) under 10 s).
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { hlsClip } from "../../test/fixtures/hls-clips.ts";
import { freePort, startTranscoder, startWorker } from "../../test/support/processes.ts";
import { benchWorkerVars } from "./stack.ts";

const POLL_MS = 100;
const TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The URIs of a playlist's non-tag lines, resolved against the playlist's own URL. */
const uris = (text: string, base: string): string[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => new URL(l, base).href);

/** True once the master playlist and the first segment of every rung it lists answer 200. */
async function playable(masterUrl: string): Promise<boolean> {
  const master = await fetch(masterUrl);
  const text = await master.text();
  if (master.status !== 200) return false;
  const variants = uris(text, masterUrl);
  if (variants.length === 0) return false;
  for (const variant of variants) {
    const media = await fetch(variant);
    const body = await media.text();
    if (media.status !== 200) return false;
    const first = uris(body, variant)[0];
    if (!first) return false;
    const seg = await fetch(first);
    const bytes = await seg.arrayBuffer();
    if (seg.status !== 200 || bytes.byteLength === 0) return false;
  }
  return true;
}

async function main() {
  const clipPath = await hlsClip("bench-120s-720p.mp4");
  const clip = new Uint8Array(await readFile(clipPath));
  const token = randomBytes(24).toString("base64url");
  const workerPort = await freePort();
  const transcoder = await startTranscoder({ token, allowedOrigins: [`http://127.0.0.1:${workerPort}`] });
  const worker = await startWorker(benchWorkerVars({ TRANSCODER_URL: transcoder.url, TRANSCODER_TOKEN: token }), { port: workerPort });
  console.log(`${os.cpus().length} cores; clip ${clipPath} (${(clip.byteLength / 1024 ** 2).toFixed(1)} MB, 120 s 1280x720 30 fps + AAC)`);
  try {
    const form = new FormData();
    form.append("file", new File([clip], "bench.mp4", { type: "video/mp4" }), "bench.mp4");
    form.append("title", "time to playable");
    const sent = performance.now();
    const res = await fetch(`${worker.url}/api/v1/video/upload`, { method: "POST", body: form });
    const text = await res.text();
    const uploaded = performance.now();
    if (res.status !== 200) throw new Error(`upload answered ${res.status}: ${text}`);
    const id = (JSON.parse(text) as { id: number }).id;
    console.log(`upload (${res.status}, video ${id}) took ${((uploaded - sent) / 1000).toFixed(2)} s`);

    const deadline = uploaded + TIMEOUT_MS;
    const untilPlayable = (async () => {
      for (;;) {
        if (await playable(`${worker.url}/api/v1/hls/playlist/${id}`)) return (performance.now() - uploaded) / 1000;
        if (performance.now() > deadline) throw new Error("never playable");
        await sleep(POLL_MS);
      }
    })();
    const untilReady = (async () => {
      for (;;) {
        const s = (await (await fetch(`${worker.url}/api/v1/video/status/${id}`)).json()) as { status: string; error_message: string | null };
        if (s.status === "ready") return (performance.now() - uploaded) / 1000;
        if (s.status === "error" || s.status === "not_found") throw new Error(`video ${id} ended ${s.status}: ${s.error_message}`);
        if (performance.now() > deadline) throw new Error(`video ${id} still ${s.status}`);
        await sleep(POLL_MS);
      }
    })();
    const [a, b] = await Promise.all([untilPlayable, untilReady]);

    console.log("");
    console.log(`(a) upload finished → master + first segment of every rung served  ${a.toFixed(2)} s  (goal < 10 s)`);
    console.log(`(b) upload finished → status ready                                ${b.toFixed(2)} s`);
    console.log(`    (a)/(b)                                                        ${(a / b).toFixed(3)}  (goal ≤ 0.15)`);
  } finally {
    await worker.stop();
    await transcoder.stop();
  }
}

await main();
