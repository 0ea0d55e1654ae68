/**
 * The 1 GiB streaming-upload measurement, shared by the e2e test (which judges it) and
 * `bench/social/upload-memory.ts` (which prints it): a test-only entry Worker in `wrangler dev`, workerd's
 * resident memory sampled every 100 ms while 1 GiB goes through `readMultipart` into R2, and the same
 * bytes written by the store alone (`PUT /__test/raw`, no parsing, no guard) before and after, for
 * comparison.
 *
 * Locally R2 is miniflare's simulator in the same workerd process; the first gigabyte written through it
 * grows the process by a few hundred MB whoever writes it (its own JS handles every byte, and the
 * allocator keeps the pages), so the multipart upload is measured on the warm process.
 */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { generatedFile, MP4_HEAD, multipartContentType, multipartStream } from "../../support/multipart-body.ts";
import { repoRoot } from "../../support/processes.ts";
import { rssBytes, startWorkerEntry, workerdPids, type EntryWorker } from "./worker-entry.ts";

export const GiB = 1024 ** 3;
export const MB = 1_000_000;

export interface Sample<T> {
  result: T;
  /** Peak growth of workerd's RSS over its level just before the request, in bytes. */
  peak: number;
  seconds: number;
}

export interface UploadMemoryRun {
  /** The store alone, first gigabyte through the simulator (printed, not judged). */
  cold: Sample<{ status: number }>;
  upload: Sample<{ status: number; text: string }>;
  /** The store alone again, on the warm process. */
  warm: Sample<{ status: number }>;
  /** sha256 of the bytes sent as the file part, and of the object R2 holds afterwards. */
  sentSha256: string;
  storedSha256: string | undefined;
  workerOutput: () => string;
}

export const startUploadProbe = () =>
  startWorkerEntry(path.join(repoRoot, "test/worker/support/upload-probe-worker.ts"), {
    APP_ENV: "test",
    TRANSCODER_URL: "http://127.0.0.1:9",
    JWT_SECRET: randomBytes(48).toString("base64url"),
    BLOB_SIGNING_SECRET: randomBytes(48).toString("base64url"),
  });

async function peakGrowth<T>(worker: EntryWorker, send: () => Promise<T>): Promise<Sample<T>> {
  const pids = workerdPids(worker.child.pid!);
  if (pids.length === 0) throw new Error("no workerd process found under wrangler dev");
  const total = () => pids.reduce((n, pid) => n + rssBytes(pid), 0);
  const baseline = total();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, total() - baseline)), 100);
  const started = Date.now();
  try {
    return { result: await send(), peak, seconds: (Date.now() - started) / 1000 };
  } finally {
    clearInterval(sampler);
  }
}

/** A body that generates `size` bytes as it is read. */
function generatedBody(size: number): ReadableStream<Uint8Array> {
  const chunks = generatedFile(size, MP4_HEAD)()[Symbol.iterator]();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
}

export async function measureUploadMemory(worker: EntryWorker): Promise<UploadMemoryRun> {
  const post = (pathname: string, init: RequestInit) => fetch(`${worker.url}${pathname}`, { duplex: "half", ...init } as RequestInit);
  const storeAlone = () =>
    peakGrowth(worker, async () => {
      const res = await post("/__test/raw", { method: "PUT", body: generatedBody(GiB) });
      await res.arrayBuffer();
      return { status: res.status };
    });

  // Warm both paths (module init, first R2 multipart upload), then the simulator with a first gigabyte.
  const warmBody = multipartStream([{ name: "file", filename: "warm.mp4", data: generatedFile(9 * 1024 * 1024, MP4_HEAD) }]);
  const warmed = await post("/__test/upload", { method: "POST", headers: { "content-type": multipartContentType() }, body: warmBody });
  if (warmed.status !== 200) throw new Error(`warm-up upload answered ${warmed.status}: ${await warmed.text()}`);
  const cold = await storeAlone();

  const hash = createHash("sha256");
  const upload = await peakGrowth(worker, async () => {
    const res = await post("/__test/upload", {
      method: "POST",
      headers: { "content-type": multipartContentType() },
      body: multipartStream([
        { name: "title", data: "one gibibyte" },
        { name: "file", filename: "big.mp4", contentType: "video/mp4", data: generatedFile(GiB, MP4_HEAD, (chunk) => hash.update(chunk)) },
      ]),
    });
    return { status: res.status, text: await res.text() };
  });
  const warm = await storeAlone();

  let storedSha256: string | undefined;
  if (upload.result.status === 200) {
    const { key } = JSON.parse(upload.result.text) as { key: string };
    storedSha256 = ((await (await fetch(`${worker.url}/__test/digest?key=${encodeURIComponent(key)}`)).json()) as { sha256: string }).sha256;
  }
  return { cold, upload, warm, sentSha256: hash.digest("hex"), storedSha256, workerOutput: () => worker.output() };
}

export const describeRun = (run: UploadMemoryRun, bound: number): string =>
  `1 GiB into R2, workerd RSS peak growth: multipart upload ${(run.upload.peak / MB).toFixed(0)} MB in ${run.upload.seconds.toFixed(1)} s ` +
  `(bound ${bound / MB} MB); the same bytes by the store alone: first ${(run.cold.peak / MB).toFixed(0)} MB in ` +
  `${run.cold.seconds.toFixed(1)} s, again after the upload ${(run.warm.peak / MB).toFixed(0)} MB in ${run.warm.seconds.toFixed(1)} s`;
