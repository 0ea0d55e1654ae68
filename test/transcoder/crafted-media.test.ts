/**
 * Files that only pretend to be media: an HLS playlist and an ffconcat script saved as "video.mp4",
 * pointing at a local secret and at a canary HTTP server. ffprobe and ffmpeg, as the transcoder runs
 * them, must refuse both without reading the secret or touching the canary — whether the crafted file
 * arrives as a local file or over HTTP.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mp4Args, runFfmpeg } from "../../containers/transcoder/src/lib/ffmpeg.ts";
import { ffprobe } from "../../containers/transcoder/src/lib/ffprobe.ts";

let dir: string;
let canary: Server;
let canaryOrigin: string;
const canaryHits: string[] = [];
const crafted: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "crafted-"));
  const secret = path.join(dir, "secret.ts");
  writeFileSync(secret, "TOP SECRET".repeat(100));
  canary = createServer((req, res) => {
    if (req.url === "/evil-hls.mp4") {
      res.setHeader("Content-Type", "video/mp4");
      return res.end(crafted.hls);
    }
    canaryHits.push(req.url ?? "");
    res.end("canary");
  });
  await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
  const address = canary.address();
  canaryOrigin = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  crafted.hls = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\n${canaryOrigin}/canary-hls.ts\n#EXTINF:10.0,\nfile://${secret}\n#EXT-X-ENDLIST\n`;
  crafted.concat = `ffconcat version 1.0\nfile '${secret}'\nfile '${canaryOrigin}/canary-concat'\n`;
  for (const [name, text] of Object.entries(crafted)) writeFileSync(path.join(dir, `${name}.mp4`), text);
});

afterAll(async () => {
  await new Promise((r) => canary.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const signal = () => AbortSignal.timeout(20_000);

describe("crafted media", () => {
  it.each(["hls", "concat"])("should refuse a local %s playlist named .mp4 in ffprobe without following it", async (name) => {
    const result = await ffprobe({ kind: "file", path: path.join(dir, `${name}.mp4`) }, { ffprobePath: "ffprobe", signal: signal(), timeoutMs: 20_000 });
    expect(result).toMatchObject({ ok: false, error: { code: "input.invalid" } });
    expect(canaryHits).toEqual([]);
  });

  it.each(["hls", "concat"])("should refuse a local %s playlist named .mp4 in ffmpeg without following it", async (name) => {
    const out = path.join(dir, `${name}-out.mp4`);
    const result = await runFfmpeg(mp4Args(path.join(dir, `${name}.mp4`), out, { remux: true, encodeVideo: false, encodeAudio: false, scaleToHeight: undefined }), {
      ffmpegPath: "ffmpeg",
      signal: signal(),
      timeoutMs: 20_000,
      durationSeconds: undefined,
    });
    expect(result.ok).toBe(false);
    expect(canaryHits).toEqual([]);
  });

  it("should refuse an HLS playlist named .mp4 served over HTTP", async () => {
    const result = await ffprobe({ kind: "url", url: `${canaryOrigin}/evil-hls.mp4` }, { ffprobePath: "ffprobe", signal: signal(), timeoutMs: 20_000 });
    expect(result).toMatchObject({ ok: false, error: { code: "input.invalid" } });
    expect(canaryHits).toEqual([]);
  });

  it("should show the attack is real: without the whitelists ffprobe follows the playlist", async () => {
    // Asynchronous on purpose: the canary answers from this same process.
    const { execFile } = await import("node:child_process");
    await new Promise<void>((resolve) =>
      execFile("ffprobe", ["-v", "error", "-protocol_whitelist", "file,http,tcp", "-i", path.join(dir, "hls.mp4")], { timeout: 20_000 }, () => resolve()),
    );
    expect(canaryHits).toContain("/canary-hls.ts");
  });
});
