/**
 * Seed 002's HLS pipeline end to end: a 720p clip made by ffmpeg, uploaded to the real Worker (wrangler
 * dev), laddered by the real transcoder; playlists checked with hls-parser in strict mode while the video
 * is processing and once it is ready, every segment fetched and read by ffprobe; a corrupt upload; frame
 * thumbnails made once and then served from storage.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse, setOptions, types } from "hls-parser";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, probeBytes } from "./support/client";
import { localD1, localR2Keys } from "./support/local-state";
import { makeClip, uploadVideo, waitForVideoStatus } from "./support/social-videos";

setOptions({ strictMode: true, silent: true });

const run = promisify(execFile);
let dir = "";

type Master = InstanceType<typeof types.MasterPlaylist>;
type Media = InstanceType<typeof types.MediaPlaylist>;

async function playlist(pathname: string) {
  const res = await api(pathname);
  const text = await res.text();
  return { res, text };
}

describe("seed 002 HLS with the real stack", () => {
  let clip: Uint8Array<ArrayBuffer>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "e2e-social-hls-"));
    // Long enough that the ladder takes several seconds, so the processing state can be observed.
    clip = await makeClip(path.join(dir, "clip.mp4"), 16);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should serve a growing EVENT playlist while processing, then a VOD ladder whose every segment ffprobe reads", async () => {
    const id = await uploadVideo("clip.mp4", clip);

    // While processing: poll the 240p rung (the ladder always has it for a 720p source) until the video is ready.
    let eventSeen = 0;
    for (;;) {
      const { res, text } = await playlist(`/api/v1/hls/video/${id}/240p.m3u8`);
      if (res.status === 200 && !text.includes("#EXT-X-ENDLIST")) {
        const media = parse(text) as Media;
        expect(media.playlistType).toBe("EVENT");
        expect(res.headers.get("Cache-Control")).toBe("no-cache");
        const master = await playlist(`/api/v1/hls/playlist/${id}`);
        expect(master.res.status).toBe(200);
        expect((parse(master.text) as Master).variants.length).toBeGreaterThan(0);
        eventSeen++;
      } else if (res.status === 200) {
        break;
      } else {
        expect([409], text).toContain(res.status);
        expect(JSON.parse(text).detail).toMatch(/pending|processing/);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(eventSeen, "an EVENT playlist was served while processing").toBeGreaterThan(0);
    expect((await waitForVideoStatus(id, (s) => s !== "processing")).status).toBe("ready");

    const { res, text } = await playlist(`/api/v1/hls/playlist/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
    const master = parse(text) as Master;
    expect(master.variants.map((v) => v.resolution?.height)).toEqual([240, 480, 720]);
    for (const variant of master.variants) {
      expect(variant.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(variant.frameRate).toBeCloseTo(30, 0);
      expect(variant.averageBandwidth).toBeLessThanOrEqual(variant.bandwidth);

      const media = await playlist(variant.uri);
      expect(media.res.status).toBe(200);
      const parsed = parse(media.text) as Media;
      expect(parsed.playlistType).toBe("VOD");
      expect(parsed.endlist).toBe(true);
      const total = parsed.segments.reduce((sum, s) => sum + s.duration, 0);
      expect(total).toBeGreaterThan(15);
      expect(total).toBeLessThan(17);
      const base = variant.uri.slice(0, variant.uri.lastIndexOf("/") + 1);
      for (const segment of parsed.segments) {
        const seg = await api(`${base}${segment.uri}`);
        expect(seg.status).toBe(200);
        expect(seg.headers.get("Content-Type")).toBe("video/mp2t");
        expect(seg.headers.get("Cache-Control")).toContain("immutable");
        const probed = await probeBytes(new Uint8Array(await seg.arrayBuffer()), "ts");
        const video = probed.streams.find((s) => s.codec_type === "video");
        expect([video?.width, video?.height]).toEqual([variant.resolution!.width, variant.resolution!.height]);
        expect(probed.streams.some((s) => s.codec_type === "audio")).toBe(true);
      }
    }
  });

  it("should leave nothing stored for a video removed while its ladder runs", async () => {
    const { persistDir } = inject("stack");
    const id = await uploadVideo("removed.mp4", clip);
    for (;;) {
      const { res } = await playlist(`/api/v1/hls/video/${id}/240p.m3u8`);
      if (res.status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const [row] = localD1(persistDir, "SELECT r2_prefix, status FROM social_videos WHERE id = ?", id);
    expect(row?.status, "removed while still processing").toBe("processing");
    const prefix = String(row!.r2_prefix);
    expect(localR2Keys(persistDir, prefix).some((k) => k.endsWith(".ts")), "segments were stored before the removal").toBe(true);

    const removed = await api(`/api/v1/video/remove/${id}`, { method: "DELETE" });
    expect(removed.status, await removed.text()).toBe(200);

    // The ladder's task ends (cancelled at its next heartbeat); whatever it uploaded meanwhile goes with it.
    const deadline = Date.now() + 60_000;
    let task: Record<string, unknown> | undefined;
    while (Date.now() < deadline) {
      [task] = localD1(persistDir, "SELECT status FROM tasks WHERE idempotency_key = ?", `social.video.hls:${id}`);
      if (task && task.status !== "running" && task.status !== "queued") break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(task?.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 1000));
    expect(localR2Keys(persistDir, prefix)).toEqual([]);
    expect(localD1(persistDir, "SELECT r2_key FROM files WHERE substr(r2_key, 1, ?) = ?", prefix.length, prefix)).toEqual([]);
  });

  it("should end a corrupt upload in error with a message, not stuck processing", async () => {
    // An MP4 header (so the upload guard accepts it) followed by bytes ffmpeg cannot decode.
    const junk = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 251);
    const corrupt = new Uint8Array([...clip.subarray(0, 32), ...junk]);
    const id = await uploadVideo("broken.mp4", corrupt);
    const final = await waitForVideoStatus(id, (s) => s === "error" || s === "ready");
    expect(final.status).toBe("error");
    expect(final.error_message).toBeTruthy();
    const res = await api(`/api/v1/hls/playlist/${id}`);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("status: error");
  });

  it("should make the poster the preview of a reel uploaded without one", async () => {
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "2", "-pix_fmt", "yuv420p", path.join(dir, "reel.mp4")]);
    const form = new FormData();
    form.append("file", new File([new Uint8Array(readFileSync(path.join(dir, "reel.mp4")))], "reel.mp4", { type: "video/mp4" }), "reel.mp4");
    form.append("en_title", "poster");
    const created = await api("/api/v1/reels/reels/upload", { method: "POST", body: form });
    const reel = (await created.json()) as { id: number; video_id: number; preview_thumbnail_path: string | null };
    expect(reel.preview_thumbnail_path).toBeNull();
    expect((await waitForVideoStatus(reel.video_id, (s) => s !== "pending" && s !== "processing")).status).toBe("ready");

    const shown = (await (await api(`/api/v1/reels/reels/${reel.id}`)).json()) as { preview_thumbnail_path: string | null };
    expect(shown.preview_thumbnail_path).toBe(`/api/v1/reels/reels/preview/${reel.id}`);
    const poster = await api(shown.preview_thumbnail_path!);
    expect(poster.headers.get("Content-Type")).toBe("image/jpeg");
    const probed = await probeBytes(new Uint8Array(await poster.arrayBuffer()), "jpg");
    expect(probed.streams[0]?.codec_name).toBe("mjpeg");
  });

  it("should make a thumbnail of the asked width once, then serve it from storage", async () => {
    const id = await uploadVideo("thumb.mp4", clip);
    const first = await api(`/api/v1/hls/thumbnail/${id}?time=2&width=320`);
    expect(first.status).toBe(200);
    expect(first.headers.get("Content-Type")).toBe("image/jpeg");
    expect(first.headers.get("X-Thumbnail-Cache")).toBe("miss");
    const bytes = new Uint8Array(await first.arrayBuffer());
    const probed = await probeBytes(bytes, "jpg");
    expect(probed.streams[0]?.width).toBe(320);
    expect(probed.streams[0]?.height).toBe(180);

    const second = await api(`/api/v1/hls/thumbnail/${id}?time=2.000&width=320`);
    expect(second.status).toBe(200);
    expect(second.headers.get("X-Thumbnail-Cache")).toBe("hit");
    expect(second.headers.get("ETag")).toBe(first.headers.get("ETag"));
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);

    const other = await api(`/api/v1/hls/thumbnail/${id}?time=2&width=160`);
    expect(other.headers.get("X-Thumbnail-Cache")).toBe("miss");
    expect((await probeBytes(new Uint8Array(await other.arrayBuffer()), "jpg")).streams[0]?.width).toBe(160);
  });
});
