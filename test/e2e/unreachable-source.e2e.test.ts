/**
 * A source that cannot be reached is not a missing video. This stack points the "TikTok" and "YouTube"
 * stand-ins at a loopback port nothing listens on — what a new user sees trying the README's example on a
 * machine without internet — and expects each face's 502-class answer naming the host, at the first failed
 * attempt (the task keeps retrying in the background; retries are far apart here to prove the answer does
 * not wait for them).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, refusedPort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { postJson } from "./support/client";

let transcoder: TranscoderHandle;
let worker: WorkerHandle;
let deadOrigin: string;
const token = "unreachable-token-0123456789";

describe("an unreachable source", () => {
  beforeAll(async () => {
    deadOrigin = `http://127.0.0.1:${await refusedPort()}`;
    const workerPort = await freePort();
    transcoder = await startTranscoder({ token, allowedOrigins: [deadOrigin, `http://127.0.0.1:${workerPort}`] });
    worker = await startWorker(
      {
        APP_ENV: "test",
        TRANSCODER_URL: transcoder.url,
        TRANSCODER_TOKEN: token,
        SOURCE_FIXTURE_ORIGIN: deadOrigin,
        JWT_SECRET: "unreachable-jwt-secret-unreachable-jwt-secret-01",
        BLOB_SIGNING_SECRET: "unreachable-blob-secret-unreachable-blob-secr",
        SYNC_TASK_TIMEOUT_SECONDS: "60",
        TASK_RETRY_BASE_SECONDS: "600",
      },
      { port: workerPort },
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await transcoder?.stop();
  });

  it("should answer the README's saver example with 502 naming the host, in seed 000's shape", async () => {
    const res = await postJson("/download", { url: "https://www.tiktok.com/@scout2015/video/6718335390845095173" }, {}, worker.url);
    const body = (await res.json()) as { detail: string; message: string };
    expect(res.status, JSON.stringify(body)).toBe(502);
    const host = new URL(deadOrigin).host;
    expect(body.detail).toMatch(new RegExp(`^Could not reach ${host.replace(/\./g, "\\.")}`));
    expect(body.message).toBe(body.detail);
  });

  it("should answer a converter request with 502 in seed 001's shape", async () => {
    const res = await postJson("/api/tiktok/convert", { url: "https://www.tiktok.com/@scout2015/video/6718335390845095174" }, {}, worker.url);
    const body = (await res.json()) as { status: string; message: string };
    expect(res.status, JSON.stringify(body)).toBe(502);
    expect(body).toEqual({ status: "error", message: expect.stringMatching(/^Could not reach 127\.0\.0\.1:\d+/) });
  });
});
