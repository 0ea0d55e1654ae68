/**
 * Seed 003's cached download on the real stack: the first request fetches (from_cache false), racing and
 * later requests share that fetch (from_cache true, one fetch at the fixture TikTok), and the opaque
 * file_path serves the video. The saver's download of a post serves the studio's too (one cache).
 */
import { describe, expect, it } from "vitest";
import { api, fixtureHits, postJson, probeBytes, uniqueId } from "./support/client";

interface Download {
  success: boolean;
  file_path: string;
  file_size: number;
  duration: number;
  from_cache: boolean;
}

describe("studio download (seed 003)", () => {
  it("should fetch once for racing requests, then answer from the cache with a playable file", async () => {
    const id = uniqueId();
    const url = `https://www.tiktok.com/@studio/video/${id}`;
    const page = `/tiktok/@studio/video/${id}`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => postJson("/api/v1/download", { url })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Download[];
    expect(bodies.filter((b) => !b.from_cache)).toHaveLength(1);
    expect(new Set(bodies.map((b) => b.file_path))).toEqual(new Set([`/api/v1/video/tiktok-${id}.mp4`]));
    expect((await fixtureHits())[page]).toBe(1);

    const again = (await (await postJson("/api/v1/download", { url })).json()) as Download;
    expect(again).toEqual({ ...bodies[0], from_cache: true });
    expect((await fixtureHits())[page]).toBe(1);

    const file = await api(again.file_path);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.byteLength).toBe(again.file_size);
    const probed = await probeBytes(bytes);
    expect(probed.streams.map((s) => s.codec_name)).toContain("h264");
    expect(again.duration).toBeGreaterThan(0);
    expect(Math.abs(again.duration - Number(probed.format.duration))).toBeLessThan(0.5);
  });

  it("should answer from the cache the saver filled", async () => {
    const id = uniqueId();
    const url = `https://www.tiktok.com/@studio/video/${id}`;
    expect((await postJson("/download", { url })).status).toBe(200);
    const studio = (await (await postJson("/api/v1/download", { url })).json()) as Download;
    expect(studio.from_cache).toBe(true);
    expect((await fixtureHits())[`/tiktok/@studio/video/${id}`]).toBe(1);
  });

  it("should refuse what is not a TikTok video in the document's shape", async () => {
    const res = await postJson("/api/v1/download", { url: "http://127.0.0.1:9/video.mp4" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false });
  });
});
