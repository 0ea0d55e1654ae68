/**
 * A transcoder killed mid-ladder, on a stack of its own (this file kills its transcoder): the HLS task is
 * retried, the video still becomes `ready`, and nothing of the killed run is visible — its segments are
 * gone, and the final playlists list each segment once, contiguously, from the new run only.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse, setOptions, types } from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { api, probeBytes } from "./support/client";

setOptions({ strictMode: true, silent: true });

const run = promisify(execFile);
const token = "hls-crash-token-0123456789";
let transcoder: TranscoderHandle;
let worker: WorkerHandle;
let dir = "";

type Media = InstanceType<typeof types.MediaPlaylist>;
const get = (pathname: string) => api(pathname, {}, worker.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("HLS task with a transcoder killed mid-ladder", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "e2e-hls-crash-"));
    const workerPort = await freePort();
    transcoder = await startTranscoder({ token, allowedOrigins: [`http://127.0.0.1:${workerPort}`], workDir: path.join(dir, "work") });
    worker = await startWorker(
      {
        APP_ENV: "test",
        TRANSCODER_URL: transcoder.url,
        TRANSCODER_TOKEN: token,
        JWT_SECRET: "hls-crash-jwt-secret-hls-crash-jwt-secret-0123456",
        BLOB_SIGNING_SECRET: "hls-crash-blob-secret-hls-crash-blob-secret-0123",
        // Long enough for the replacement transcoder to be listening when the retry comes.
        TASK_RETRY_BASE_SECONDS: "2",
        TASK_LEASE_SECONDS: "60",
      },
      { port: workerPort },
    );
    await run("ffmpeg", [
      "-v", "error", "-y",
      "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
      "-t", "16", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
      path.join(dir, "clip.mp4"),
    ]);
  });

  afterAll(async () => {
    await worker?.stop();
    await transcoder?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should retry the ladder and show only the new run's segments", async () => {
    const form = new FormData();
    form.append("file", new File([new Uint8Array(readFileSync(path.join(dir, "clip.mp4")))], "clip.mp4", { type: "video/mp4" }), "clip.mp4");
    const created = await api("/api/v1/video/upload", { method: "POST", body: form }, worker.url);
    const { id } = (await created.json()) as { id: number };

    // Wait for the first run's segments to be served, then kill the transcoder (and its ffmpeg) mid-ladder.
    let killedRun: string[] = [];
    for (let i = 0; i < 300 && killedRun.length === 0; i++) {
      const res = await get(`/api/v1/hls/video/${id}/240p.m3u8`);
      const text = await res.text();
      if (res.status === 200) {
        expect(text).not.toContain("#EXT-X-ENDLIST");
        killedRun = (parse(text) as Media).segments.map((s) => s.uri);
      } else {
        await sleep(100);
      }
    }
    expect(killedRun.length, "the first run served segments before the kill").toBeGreaterThan(0);
    await transcoder.stop("SIGKILL");
    transcoder = await startTranscoder({ token, port: transcoder.port, allowedOrigins: [worker.url], workDir: path.join(dir, "work") });

    for (let i = 0; ; i++) {
      const { status, error_message } = (await (await get(`/api/v1/video/status/${id}`)).json()) as { status: string; error_message: string | null };
      if (status === "ready") break;
      expect(status, error_message ?? "").not.toBe("error");
      if (i > 600) throw new Error(`video still ${status}`);
      await sleep(200);
    }

    for (const uri of killedRun) expect((await get(`/api/v1/hls/video/${id}/${uri}`)).status, uri).toBe(404);
    const master = parse(await (await get(`/api/v1/hls/playlist/${id}`)).text()) as InstanceType<typeof types.MasterPlaylist>;
    expect(master.variants.map((v) => v.resolution?.height)).toEqual([240, 480, 720]);
    for (const variant of master.variants) {
      const media = parse(await (await get(variant.uri)).text()) as Media;
      expect(media.endlist).toBe(true);
      const uris = media.segments.map((s) => s.uri);
      const run = /^r(\d+)-/.exec(uris[0]!)![1];
      expect(killedRun[0]).not.toMatch(new RegExp(`^r${run}-`));
      expect(uris).toEqual(uris.map((_, i) => `r${run}-${variant.uri.match(/(\d+p)\.m3u8$/)![1]}_${String(i).padStart(5, "0")}.ts`));
      const total = media.segments.reduce((sum, s) => sum + s.duration, 0);
      expect(total).toBeGreaterThan(15);
      expect(total).toBeLessThan(17);
      const base = variant.uri.slice(0, variant.uri.lastIndexOf("/") + 1);
      for (const uri of uris) {
        const seg = await get(`${base}${uri}`);
        expect(seg.status).toBe(200);
        const probed = await probeBytes(new Uint8Array(await seg.arrayBuffer()), "ts");
        expect(probed.streams.find((s) => s.codec_type === "video")?.height).toBe(variant.resolution!.height);
      }
    }
  }, 180_000);
});
