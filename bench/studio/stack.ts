/**
 * The running platform for the studio benchmarks, started as bench/archive/stack.ts starts it: a fixture
 * server standing in for TikTok, the transcoder (yt-dlp, ffmpeg) and `wrangler dev` serving one bundle of
 * the Worker (`--no-bundle`, so edits others make to the tree do not restart it mid-run), a fresh persist
 * dir (empty D1 and R2). The studio is public here (no STUDIO_API_TOKEN), as the document's service is.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FixtureServer } from "../../test/fixtures/server.ts";
import { freePort, startProcess, startTranscoder, waitForHttp, type ManagedProcess, type TranscoderHandle } from "../../test/support/processes.ts";
import { benchWorkerVars } from "../social/stack.ts";
import { startTimingProxy, type TranscoderCall } from "./timing-proxy.ts";

const wranglerEnv = { CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

export type StudioStack = {
  url: string;
  worker: ManagedProcess;
  transcoder: TranscoderHandle;
  /** Every operation request the Worker made to the transcoder, with its duration. */
  transcoderCalls: TranscoderCall[];
  stop(): Promise<void>;
};

const finished = (step: ManagedProcess, what: string): Promise<void> =>
  new Promise((resolve, reject) => step.child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed:\n${step.output().slice(-5000)}`)))));

/** `vars` are added to (and override) the benchmark defaults, e.g. a longer SYNC_TASK_TIMEOUT_SECONDS. */
export async function startStudioStack(bundle: string, fixtures: FixtureServer, vars: Record<string, string> = {}): Promise<StudioStack> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const persistDir = mkdtempSync(path.join(tmpdir(), "bench-studio-state-"));
  const token = randomBytes(24).toString("base64url");
  // The Worker's own origin is allowed too: the transcoder reads sources from and writes outputs to signed URLs under it.
  const transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, url] });
  const proxy = await startTimingProxy(transcoder.url);
  const all = benchWorkerVars({ PUBLIC_BASE_URL: url, TRANSCODER_URL: proxy.url, TRANSCODER_TOKEN: token, SOURCE_FIXTURE_ORIGIN: fixtures.origin, ...vars });
  try {
    await finished(startProcess("migrate", "npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], wranglerEnv), "migrations");
    const worker = startProcess(
      "worker",
      "npx",
      ["wrangler", "dev", bundle, "--no-bundle", "--config", "wrangler.toml", "--port", String(port), "--ip", "127.0.0.1", "--persist-to", persistDir, "--show-interactive-dev-session=false",
        ...Object.entries(all).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
      wranglerEnv,
    );
    try {
      await waitForHttp(`${url}/health`, 90_000, (r) => r.ok);
    } catch (err) {
      await worker.stop();
      throw new Error(`${String(err)}\n--- wrangler output ---\n${worker.output().slice(-5000)}`);
    }
    return {
      url,
      worker,
      transcoder,
      transcoderCalls: proxy.calls,
      async stop() {
        await worker.stop();
        await proxy.close();
        await transcoder.stop();
        rmSync(persistDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await proxy.close();
    await transcoder.stop();
    rmSync(persistDir, { recursive: true, force: true });
    throw err;
  }
}

export const postJson = (stack: StudioStack, pathname: string, body: unknown): Promise<Response> =>
  fetch(`${stack.url}${pathname}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/** A 19-digit id in TikTok's layout that no catalogue video has: a video the platform has never seen. */
export const freshVideoId = (): string => `7${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}`;
