/**
 * `process` after a crash between its steps, on a stack of its own: the Worker reaches its transcoder
 * through a loopback proxy that cuts the first `analyze` stream short, as a transcoder that dies mid-op
 * does. The task is retried, and the retry goes on from the saved download: the fixture TikTok is fetched
 * once, the transcoder's `fetch` runs once, `analyze` twice, and the answer is a complete edit.
 */
import { createServer, request as httpRequest, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { listenOnLoopback, type ListeningServer } from "../fakes/loopback-server";
import { api, fixtureHits, probeBytes, stack, uniqueId } from "./support/client";
import { localD1 } from "./support/local-state";

const token = "script-crash-token-0123456789";
let transcoder: TranscoderHandle;
let worker: WorkerHandle;
let proxy: ListeningServer;
/** Operation requests the proxy saw, by path (`/v1/fetch`, `/v1/analyze`, …). */
const seen: Record<string, number> = {};

/** Forwards everything to the transcoder; the first /v1/analyze answer ends after its first chunk. */
function crashingProxy(target: string): Server {
  let analyzeCut = false;
  return createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    seen[path] = (seen[path] ?? 0) + 1;
    const cut = path === "/v1/analyze" && !analyzeCut;
    if (cut) analyzeCut = true;
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      if (!cut) {
        up.pipe(res);
        return;
      }
      up.once("data", (chunk: Buffer) => {
        res.end(chunk);
        up.destroy();
      });
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
}

describe("studio process after a crash between steps", () => {
  beforeAll(async () => {
    const workerPort = await freePort();
    transcoder = await startTranscoder({ token, allowedOrigins: [stack().fixtureOrigin, `http://127.0.0.1:${workerPort}`] });
    proxy = await listenOnLoopback(crashingProxy(transcoder.url));
    worker = await startWorker(
      {
        APP_ENV: "test",
        TRANSCODER_URL: proxy.origin,
        TRANSCODER_TOKEN: token,
        SOURCE_FIXTURE_ORIGIN: stack().fixtureOrigin,
        JWT_SECRET: "script-crash-jwt-secret-script-crash-jwt-secret-01",
        BLOB_SIGNING_SECRET: "script-crash-blob-secret-script-crash-blob-secret",
        SYNC_TASK_TIMEOUT_SECONDS: "120",
        TASK_RETRY_BASE_SECONDS: "1",
        TASK_LEASE_SECONDS: "120",
      },
      { port: workerPort },
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await proxy?.close();
    await transcoder?.stop();
  });

  it("should retry from the saved download without fetching the source again", { timeout: 240_000 }, async () => {
    const id = uniqueId();
    const res = await api("/api/v1/process", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: `https://www.tiktok.com/@studio/video/${id}`, num_frames: 2 }) }, worker.url);
    const body = (await res.json()) as { success: boolean; download: { from_cache: boolean }; edit: { output_path: string; duration: number } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.download.from_cache).toBe(false);
    expect(seen["/v1/analyze"]).toBe(2);
    expect(seen["/v1/fetch"]).toBe(1);
    expect((await fixtureHits())[`/tiktok/@studio/video/${id}`]).toBe(1);

    const [task] = localD1(worker.persistDir, "SELECT attempts, steps FROM tasks WHERE kind = 'studio.process'");
    expect(task).toMatchObject({ attempts: 2 });
    expect(Object.keys(JSON.parse(String(task!.steps)) as object).sort()).toEqual(["download", "edit", "script"]);

    const served = await api(body.edit.output_path, {}, worker.url);
    expect(served.status).toBe(200);
    const probed = await probeBytes(new Uint8Array(await served.arrayBuffer()));
    expect(Math.abs(Number(probed.format.duration) - body.edit.duration)).toBeLessThan(0.1);
  });
});
