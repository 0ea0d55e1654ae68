/**
 * The HLS routes against D1 rows and R2 objects as the HLS task leaves them: EVENT playlists of what
 * exists while processing, VOD playlists and the measured master once ready, only the current run served,
 * every URI resolvable, and `{detail}` answers for videos with nothing playable.
 */
import { env } from "cloudflare:workers";
import { parse, setOptions, types } from "hls-parser";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { socialVideos, socialVideoSegments, type SocialHlsLadder, type SocialMediaStatus } from "../../../../worker/db/schema";
import { hlsTaskKey, SOCIAL_VIDEO_HLS_KIND } from "../../../../worker/faces/social/hls-task";
import { registerTaskKinds } from "../../../../worker/task-kinds";
import { recoverStalledTasks } from "../../../../worker/tasks/engine";
import { call } from "../../support/http";
import { insertTask } from "../../support/tasks";

setOptions({ strictMode: true, silent: true });

type Seg = { rendition: string; sequence: number; size: number; duration: number; width: number; height: number; attempt?: number };

async function video(status: SocialMediaStatus, opts: { attempt?: number; ladder?: SocialHlsLadder; errorMessage?: string } = {}) {
  const now = new Date();
  const prefix = `social/videos/${crypto.randomUUID()}/`;
  return getDb(env)
    .insert(socialVideos)
    .values({
      kind: "standalone",
      filename: "clip.mp4",
      status,
      errorMessage: opts.errorMessage ?? null,
      r2Prefix: prefix,
      hlsAttempt: opts.attempt ?? 1,
      hlsLadder: opts.ladder ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
}

/** A segment row and its R2 object (bytes of the row's size, a recognisable first byte per rung and sequence). */
async function segment(v: { id: number; r2Prefix: string; hlsAttempt: number }, s: Seg) {
  const attempt = s.attempt ?? v.hlsAttempt;
  const name = `${s.rendition}_${String(s.sequence).padStart(5, "0")}.ts`;
  const key = `${v.r2Prefix}hls/r${attempt}/${name}`;
  const bytes = new Uint8Array(s.size).fill(0x47);
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: "video/mp2t" } });
  await getDb(env)
    .insert(socialVideoSegments)
    .values({
      videoId: v.id,
      attempt,
      kind: "segment",
      rendition: s.rendition,
      sequence: s.sequence,
      name,
      r2Key: key,
      size: s.size,
      contentType: "video/mp2t",
      durationSeconds: s.duration,
      width: s.width,
      height: s.height,
    });
  return name;
}

const ladder: SocialHlsLadder = {
  durationSeconds: 6,
  hasAudio: true,
  renditions: [
    { name: "480p", width: 854, height: 480, bandwidth: 1_400_000, averageBandwidth: 1_100_000, codecs: "avc1.64001e,mp4a.40.2", frameRate: 30 },
    { name: "240p", width: 426, height: 240, bandwidth: 500_000, averageBandwidth: 400_000, codecs: "avc1.640015,mp4a.40.2", frameRate: 29.97 },
  ],
};

async function playlistText(path: string) {
  const res = await call(path);
  // Playlists are text, though workerd warns on .text() of a type it does not know as text.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  expect(res.status, text).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("application/vnd.apple.mpegurl");
  return { res, text };
}

const detailOf = async (res: Response) => ((await res.json()) as { detail: string }).detail;

describe("HLS playlists while processing", () => {
  it("should list the rungs that have a first segment, with bandwidths estimated from the segments so far", async () => {
    const v = await video("processing");
    await segment(v, { rendition: "240p", sequence: 0, size: 100_000, duration: 4, width: 426, height: 240 });
    await segment(v, { rendition: "240p", sequence: 1, size: 300_000, duration: 4, width: 426, height: 240 });
    await segment(v, { rendition: "480p", sequence: 0, size: 500_000, duration: 4, width: 854, height: 480 });

    const { res, text } = await playlistText(`/api/v1/hls/playlist/${v.id}`);
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(text).toMatch(/^# Processing: .*estimated/m);
    const master = parse(text) as InstanceType<typeof types.MasterPlaylist>;
    expect(master.isMasterPlaylist).toBe(true);
    expect(master.variants.map((x) => [x.uri, x.resolution, x.bandwidth, x.averageBandwidth])).toEqual([
      [`/api/v1/hls/video/${v.id}/240p.m3u8`, { width: 426, height: 240 }, 600_000, 400_000],
      [`/api/v1/hls/video/${v.id}/480p.m3u8`, { width: 854, height: 480 }, 1_000_000, 1_000_000],
    ]);
  });

  it("should serve an EVENT playlist without ENDLIST up to the first missing segment, every URI fetchable", async () => {
    const v = await video("processing");
    for (const sequence of [0, 1, 3]) await segment(v, { rendition: "240p", sequence, size: 1000 + sequence, duration: 4, width: 426, height: 240 });

    const { res, text } = await playlistText(`/api/v1/hls/video/${v.id}/240p.m3u8`);
    expect(res.headers.get("Cache-Control")).toBe("no-cache");
    expect(text).not.toContain("#EXT-X-ENDLIST");
    const media = parse(text) as InstanceType<typeof types.MediaPlaylist>;
    expect(media.playlistType).toBe("EVENT");
    expect(media.endlist).toBe(false);
    expect(media.segments.map((s) => s.uri)).toEqual(["r1-240p_00000.ts", "r1-240p_00001.ts"]);
    for (const [i, s] of media.segments.entries()) {
      const seg = await call(`/api/v1/hls/video/${v.id}/${s.uri}`);
      expect(seg.status).toBe(200);
      expect((await seg.arrayBuffer()).byteLength).toBe(1000 + i);
    }
  });

  it("should answer 409 with the status while no segment exists, and 404 for a rung without one", async () => {
    const v = await video("processing");
    const master = await call(`/api/v1/hls/playlist/${v.id}`);
    expect(master.status).toBe(409);
    expect(await detailOf(master)).toContain("processing");
    await segment(v, { rendition: "240p", sequence: 0, size: 10, duration: 4, width: 426, height: 240 });
    const other = await call(`/api/v1/hls/video/${v.id}/480p.m3u8`);
    expect(other.status).toBe(409);
    expect(await detailOf(other)).toContain("processing");
  });
});

describe("HLS playlists once ready", () => {
  it("should serve the measured master playlist and VOD media playlists with ENDLIST", async () => {
    const v = await video("ready", { ladder });
    for (const sequence of [0, 1]) await segment(v, { rendition: "240p", sequence, size: 2000, duration: sequence === 0 ? 4 : 2.04, width: 426, height: 240 });
    for (const sequence of [0, 1]) await segment(v, { rendition: "480p", sequence, size: 4000, duration: sequence === 0 ? 4 : 2.04, width: 854, height: 480 });

    const { res, text } = await playlistText(`/api/v1/hls/playlist/${v.id}`);
    expect(res.headers.get("Cache-Control")).toContain("max-age=");
    expect(text).not.toContain("# Processing");
    const master = parse(text) as InstanceType<typeof types.MasterPlaylist>;
    expect(master.variants.map((x) => [x.uri, x.bandwidth, x.averageBandwidth, x.resolution, x.codecs, x.frameRate])).toEqual([
      [`/api/v1/hls/video/${v.id}/240p.m3u8`, 500_000, 400_000, { width: 426, height: 240 }, "avc1.640015,mp4a.40.2", 29.97],
      [`/api/v1/hls/video/${v.id}/480p.m3u8`, 1_400_000, 1_100_000, { width: 854, height: 480 }, "avc1.64001e,mp4a.40.2", 30],
    ]);

    for (const variant of master.variants) {
      const { text: mediaText } = await playlistText(variant.uri);
      expect(mediaText.trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
      const media = parse(mediaText) as InstanceType<typeof types.MediaPlaylist>;
      expect(media.playlistType).toBe("VOD");
      expect(media.segments.map((s) => s.duration)).toEqual([4, 2.04]);
      const base = variant.uri.slice(0, variant.uri.lastIndexOf("/") + 1);
      for (const s of media.segments) {
        const seg = await call(`${base}${s.uri}`, { headers: { Range: "bytes=0-9" } });
        expect(seg.status).toBe(206);
        expect(seg.headers.get("Content-Type")).toBe("video/mp2t");
        expect(seg.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
        expect(seg.headers.get("Content-Range")).toMatch(/^bytes 0-9\/\d+$/);
        expect((await seg.arrayBuffer()).byteLength).toBe(10);
      }
    }
  });

  it("should never serve an earlier run's rows or segment names", async () => {
    const v = await video("ready", { ladder, attempt: 2 });
    const stale = await segment(v, { rendition: "240p", sequence: 0, size: 111, duration: 4, width: 426, height: 240, attempt: 1 });
    await segment(v, { rendition: "240p", sequence: 1, size: 111, duration: 4, width: 426, height: 240, attempt: 1 });
    await segment(v, { rendition: "240p", sequence: 0, size: 222, duration: 4, width: 426, height: 240 });

    const { text } = await playlistText(`/api/v1/hls/video/${v.id}/240p.m3u8`);
    const media = parse(text) as InstanceType<typeof types.MediaPlaylist>;
    expect(media.segments.map((s) => s.uri)).toEqual(["r2-240p_00000.ts"]);
    const old = await call(`/api/v1/hls/video/${v.id}/r1-${stale}`);
    expect(old.status).toBe(404);
    await old.body?.cancel();
  });
});

describe("HLS error answers", () => {
  it("should answer {detail} with the status for videos with nothing playable", async () => {
    const missing = await call("/api/v1/hls/playlist/987654321");
    expect(missing.status).toBe(404);
    expect(await detailOf(missing)).toBe("Видео не найдено");

    const pending = await video("pending");
    const p = await call(`/api/v1/hls/playlist/${pending.id}`);
    expect(p.status).toBe(409);
    expect(await detailOf(p)).toContain("pending");

    const failed = await video("error", { errorMessage: "ffmpeg refused the upload" });
    const f = await call(`/api/v1/hls/video/${failed.id}/240p.m3u8`);
    expect(f.status).toBe(409);
    expect(await detailOf(f)).toMatch(/error.*ffmpeg refused the upload/);

    const gone = await video("not_found");
    const g = await call(`/api/v1/hls/playlist/${gone.id}`);
    expect(g.status).toBe(404);
    expect(await detailOf(g)).toContain("not_found");
  });

  it("should answer 404 for a segment name that is not in the video's playlists", async () => {
    const v = await video("ready", { ladder });
    await segment(v, { rendition: "240p", sequence: 0, size: 10, duration: 4, width: 426, height: 240 });
    for (const name of ["segment001.ts", "r1-240p_00009.ts", "r1-..%2Fsecret.ts", "1080p.m3u8"]) {
      const res = await call(`/api/v1/hls/video/${v.id}/${name}`);
      expect(res.status, name).toBe(404);
      expect(await detailOf(res)).toBe("Сегмент не найден");
    }
  });

  it("should show a processing video as error once cron gives up on its lapsed task, on every reader", async () => {
    const v = await video("processing");
    registerTaskKinds();
    await insertTask(env, {
      kind: SOCIAL_VIDEO_HLS_KIND,
      payload: { videoId: v.id },
      idempotencyKey: hlsTaskKey(v.id),
      status: "running",
      attempts: 3,
      maxRetries: 2,
      leaseToken: "gone",
      leaseUntil: new Date(Date.now() - 60_000),
    });
    await recoverStalledTasks(env);
    const status = await call(`/api/v1/video/status/${v.id}`);
    expect(await status.json()).toMatchObject({ status: "error", error_message: "the runner stopped reporting and no attempts remain" });
    const res = await call(`/api/v1/hls/playlist/${v.id}`);
    expect(res.status).toBe(409);
    expect(await detailOf(res)).toContain("status: error");
  });

  it("should refuse a thumbnail width outside the bounds with FastAPI's 422", async () => {
    const v = await video("ready", { ladder });
    for (const width of [8, 4000]) {
      const res = await call(`/api/v1/hls/thumbnail/${v.id}?time=1&width=${width}`);
      expect(res.status).toBe(422);
      const body = (await res.json()) as { detail: { loc: string[]; type: string }[] };
      expect(body.detail[0]!.loc).toEqual(["query", "width"]);
    }
  });
});
