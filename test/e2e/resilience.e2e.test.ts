/**
 * Failure and expiry on a stack of its own (short idle TTL, a transcoder this file may kill): a transcoder
 * that dies mid-download is retried and the task completes exactly once; idle files are collected by cron,
 * idempotently, and a later request fetches again.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixtureServer } from "../fixtures/server";
import { freePort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { adminCli } from "./support/admin-cli";
import { api, postJson, probeBytes, triggerCron, uniqueId } from "./support/client";

let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
let transcoder: TranscoderHandle;
let worker: WorkerHandle;
let workDir: string;
const token = "resilience-token-0123456789";

async function hits(): Promise<Record<string, number>> {
  return (await (await fetch(`${fixtures.origin}/__hits`)).json()) as Record<string, number>;
}

async function adminToken(): Promise<string> {
  await adminCli(["create-admin", "ops_admin", "ops@example.test"], { ADMIN_PASSWORD: "a-long-admin-password" }, worker.persistDir);
  const res = await postJson("/api/login", { username: "ops_admin", password: "a-long-admin-password" }, {}, worker.url);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe("resilience", () => {
  beforeAll(async () => {
    fixtures = await startFixtureServer();
    workDir = mkdtempSync(path.join(tmpdir(), "e2e-crash-work-"));
    const workerPort = await freePort();
    transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, `http://127.0.0.1:${workerPort}`], workDir });
    worker = await startWorker(
      {
        APP_ENV: "test",
        TRANSCODER_URL: transcoder.url,
        TRANSCODER_TOKEN: token,
        SOURCE_FIXTURE_ORIGIN: fixtures.origin,
        JWT_SECRET: "resilience-jwt-secret-resilience-jwt-secret-0123",
        BLOB_SIGNING_SECRET: "resilience-blob-secret-resilience-blob-secret-01",
        SYNC_TASK_TIMEOUT_SECONDS: "90",
        // Long enough for the replacement transcoder to be listening when the first retry comes.
        TASK_RETRY_BASE_SECONDS: "2",
        TASK_LEASE_SECONDS: "60",
        FILE_IDLE_TTL_SECONDS: "3",
        SAVER_RATE_BURST: "100000",
        AUTH_RATE_BURST: "100000",
      },
      { port: workerPort },
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await transcoder?.stop();
    await fixtures?.close();
  });

  it("should retry a download whose transcoder was killed mid-task and complete it once", async () => {
    const id = uniqueId();
    const page = `/tiktok/@slow/video/${id}`;
    const pending = postJson("/download", { url: `https://www.tiktok.com/@slow/video/${id}` }, {}, worker.url);

    // Wait until the slow media download is under way, then kill the transcoder and everything it started.
    for (let i = 0; i < 100 && !(await hits())[page]; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    await transcoder.stop("SIGKILL");
    try {
      execFileSync("pkill", ["-9", "-f", workDir]);
    } catch {
      // nothing left to kill
    }
    transcoder = await startTranscoder({ token, port: transcoder.port, allowedOrigins: [fixtures.origin, worker.url], workDir });

    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ files: [{ name: `${id}.mp4`, url: `/stream/${id}.mp4` }] });
    const bytes = new Uint8Array(await (await api(`/stream/${id}.mp4`, {}, worker.url)).arrayBuffer());
    expect((await probeBytes(bytes)).streams.some((s) => s.codec_type === "video")).toBe(true);

    const admin = await adminToken();
    const tasks = (await (await api("/api/admin/tasks?status=succeeded", { headers: { Authorization: `Bearer ${admin}` } }, worker.url)).json()) as {
      tasks: { kind: string; attempts: number; error_code: string | null }[];
    };
    // One task, retried after the crash; each attempt that reached the transcoder fetched the page once.
    const fetches = tasks.tasks.filter((t) => t.kind === "media.fetch");
    expect(fetches).toHaveLength(1);
    const attempts = fetches[0]!.attempts;
    expect(attempts).toBeGreaterThanOrEqual(2);
    const pageHits = (await hits())[page] ?? 0;
    expect(pageHits).toBeGreaterThanOrEqual(2);
    expect(pageHits).toBeLessThanOrEqual(attempts);
  }, 120_000);

  it("should collect idle files by cron, idempotently, and fetch again on the next request", async () => {
    const id = uniqueId();
    const url = `https://www.tiktok.com/@expiring/video/${id}`;
    const page = `/tiktok/@expiring/video/${id}`;
    expect((await postJson("/download", { url }, {}, worker.url)).status).toBe(200);
    expect((await api(`/stream/${id}.mp4`, { method: "HEAD" }, worker.url)).status).toBe(200);

    await new Promise((r) => setTimeout(r, 4000));
    await Promise.all([triggerCron(worker.url), triggerCron(worker.url)]);
    const gone = await api(`/stream/${id}.mp4`, {}, worker.url);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ detail: "File not found", message: "File not found" });
    await triggerCron(worker.url);

    const again = await postJson("/download", { url }, {}, worker.url);
    expect(again.status).toBe(200);
    expect((await hits())[page]).toBe(2);
    expect((await api(`/stream/${id}.mp4`, { method: "HEAD" }, worker.url)).status).toBe(200);
  }, 60_000);
});
