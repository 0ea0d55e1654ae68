/**
 * The real stack the seed-004 benchmarks run on: fixture server (stands in for TikTok), transcoder (yt-dlp,
 * ffmpeg) and `wrangler dev` with the rate limits of bench/social/stack.ts lifted and an API key configured
 * through ARCHIVER_API_KEYS (the documented deployment path for the document's existing keys).
 *
 * The Worker is bundled once per benchmark and served with `--no-bundle`: `wrangler dev` otherwise watches
 * the sources and restarts the Worker mid-job when someone edits the tree, which drops WebSockets and
 * restarts queue consumers in the middle of a measurement.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startFixtureServer, type FixtureServer } from "../../test/fixtures/server.ts";
import { freePort, startProcess, startTranscoder, waitForHttp, type ManagedProcess, type TranscoderHandle } from "../../test/support/processes.ts";
import { benchWorkerVars } from "../social/stack.ts";

const wranglerEnv = { CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

function finished(step: ManagedProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) =>
    step.child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed:\n${step.output().slice(-5000)}`)))),
  );
}

/** worker/index.ts bundled as the tree is now; every stack of one benchmark serves this same build. */
export async function bundleWorker(dir: string): Promise<string> {
  const outDir = path.join(dir, "bundle");
  await finished(
    startProcess("bundle", "npx", ["wrangler", "deploy", "--dry-run", "--containers-rollout=none", "--outdir", outDir, "--config", "wrangler.toml", "worker/index.ts"], wranglerEnv),
    "bundling",
  );
  return path.join(outDir, "index.js");
}

export interface ArchiveStack {
  url: string;
  persistDir: string;
  key: string;
  vars: Record<string, string>;
  /** The `wrangler dev` process (its workerd processes are below it). */
  worker: ManagedProcess;
  transcoder: TranscoderHandle;
  stop(): Promise<void>;
}

/** A fresh stack (new persist dir: empty D1 and R2) on a running fixture server. */
export async function startArchiveStack(bundle: string, fixtures: FixtureServer, opts: { persistDir?: string } = {}): Promise<ArchiveStack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const persistDir = opts.persistDir ?? mkdtempSync(path.join(tmpdir(), "bench-archive-state-"));
  const token = randomBytes(24).toString("base64url");
  const key = `bench-${randomBytes(12).toString("hex")}`;
  // The Worker's own origin is allowed too: the transcoder writes downloads back to signed URLs under it.
  const transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, url] });
  const vars = benchWorkerVars({
    PUBLIC_BASE_URL: url,
    TRANSCODER_URL: transcoder.url,
    TRANSCODER_TOKEN: token,
    SOURCE_FIXTURE_ORIGIN: fixtures.origin,
    ARCHIVER_API_KEYS: `bench:${key}`,
  });
  try {
    await finished(startProcess("migrate", "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], wranglerEnv), "migrations");
    const varArgs = Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
    const worker = startProcess(
      "worker",
      "npx",
      ["wrangler", "dev", bundle, "--no-bundle", "--config", "wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--show-interactive-dev-session=false", ...varArgs],
      wranglerEnv,
    );
    try {
      await waitForHttp(`${url}/api/ping`, 90_000, (r) => r.ok);
    } catch (err) {
      await worker.stop();
      throw new Error(`${String(err)}\n--- wrangler output ---\n${worker.output().slice(-5000)}`);
    }
    return {
      url,
      persistDir,
      key,
      vars,
      worker,
      transcoder,
      async stop() {
        await worker.stop();
        await transcoder.stop();
        if (!opts.persistDir) rmSync(persistDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await transcoder.stop();
    throw err;
  }
}

export const call = (stack: ArchiveStack, pathname: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${stack.url}${pathname}`, {
    ...init,
    headers: { "X-API-Key": stack.key, ...(init.body ? { "Content-Type": "application/json" } : {}), ...(init.headers as Record<string, string>) },
  });

export async function createJob(stack: ArchiveStack, body: Record<string, unknown>): Promise<string> {
  const res = await call(stack, "/api/v1/jobs", { method: "POST", body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/v1/jobs answered ${res.status}: ${text}`);
  return (JSON.parse(text) as { id: string }).id;
}

export interface JobMessage {
  type: "job";
  job: { id: string; status: string; progress: number; total_videos: number; successful_downloads: number; failed_downloads: number };
  video?: { id: string; status: string };
  final: boolean;
  /** The Worker's clock (ms) when it published the event. */
  at: number;
}

export interface Received {
  message: JobMessage;
  /** This process's clock (ms, Date.now()) when the message arrived. */
  receivedAt: number;
}

/**
 * A WebSocket client of `/ws/jobs/{id}` (key as `?api_key=`, as a browser sends it) collecting every message
 * with its arrival time. A benchmark needs an unbroken run: a dropped connection fails it instead of
 * reconnecting.
 */
export function watchJob(stack: ArchiveStack, jobId: string) {
  const socket = new WebSocket(`${stack.url.replace(/^http/, "ws")}/ws/jobs/${jobId}?api_key=${encodeURIComponent(stack.key)}`);
  const received: Received[] = [];
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("the job WebSocket did not open")), { once: true });
  });
  const final = new Promise<Received>((resolve, reject) => {
    socket.addEventListener("message", (e) => {
      const item = { message: JSON.parse(String(e.data)) as JobMessage, receivedAt: Date.now() };
      received.push(item);
      if (item.message.final) resolve(item);
    });
    socket.addEventListener("close", () => {
      if (!received.at(-1)?.message.final) reject(new Error(`the job WebSocket closed before the final message (${received.length} messages)`));
    });
  });
  final.catch(() => undefined);
  return { received, opened, final, close: () => socket.close() };
}

export const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
};

/** Archive `limit` videos of `user` and wait for the final WebSocket message; the timing starts before the POST. */
export async function archiveProfile(stack: ArchiveStack, user: string, limit: number, timeoutMs = 20 * 60_000) {
  const start = performance.now();
  const startedAt = Date.now();
  const jobId = await createJob(stack, { mode: "profile", value: user, limit, no_watermark: true });
  const watch = watchJob(stack, jobId);
  const final = await withTimeout(watch.final, timeoutMs, `job ${jobId}'s final message`);
  const seconds = (performance.now() - start) / 1000;
  watch.close();
  return { jobId, seconds, startedAt, final: final.message, received: watch.received };
}

export const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2, max: s.at(-1)! };
};

export const fmtSummary = (xs: number[], unit: string, digits = 1) => {
  const { min, median, max } = summary(xs);
  return `min ${min.toFixed(digits)} ${unit}  median ${median.toFixed(digits)} ${unit}  max ${max.toFixed(digits)} ${unit}`;
};

/** Starts the fixture server with the catalogue's media generated (ffmpeg, cached across runs). */
export const startFixtures = () => startFixtureServer();
