/**
 * Seed 003's compress on the real stack: a fixture TikTok downloaded through /api/v1/download, an impossible
 * target refused with the smallest possible size, then compressed to a reachable target: the served file is
 * an H.264 mp4 of the same duration at 90–100 % of the target, a repeat answers the same file, and the
 * analytics count both compressions and the failure.
 */
import { describe, expect, it } from "vitest";
import { api, postJson, probeBytes, uniqueId } from "./support/client";

interface Download {
  file_path: string;
  file_size: number;
  duration: number;
}
interface Compression {
  success: true;
  output_path: string;
  file_size: number;
  original_size: number;
  target_size_mb: number;
  ratio: number;
  duration: number;
  quality: string;
}
interface Today {
  daily: { compressions: number; failures: number }[];
}

const today = async () => ((await (await api("/api/v1/analytics/stats?days=1")).json()) as Today).daily[0]!;

/** Events are recorded after the response (waitUntil): wait for them to land. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}

describe("studio compress (seed 003)", () => {
  it("should refuse an impossible target with the smallest size, then land within 90–100 % of a reachable one", async () => {
    const before = await today();
    const id = uniqueId();
    const downloaded = await postJson("/api/v1/download", { url: `https://www.tiktok.com/@studio/video/${id}` });
    expect(downloaded.status).toBe(200);
    const video = (await downloaded.json()) as Download;

    const impossible = await postJson("/api/v1/compress", { input_path: video.file_path, target_size_mb: 0.01 });
    expect(impossible.status).toBe(400);
    const refusal = (await impossible.json()) as { success: boolean; error: string };
    expect(refusal.success).toBe(false);
    const smallest = /smallest possible size is (\d+\.\d{2}) MB/.exec(refusal.error);
    expect(smallest, refusal.error).not.toBeNull();
    const smallestMb = Number(smallest![1]);
    expect(smallestMb).toBeGreaterThan(0.01);

    // Half again above the smallest size: reachable, and not a round number the encoder could hit by luck.
    const target = Math.ceil(smallestMb * 150) / 100;
    const targetBytes = target * 1_000_000;
    const res = await postJson("/api/v1/compress", { input_path: video.file_path, target_size_mb: target, quality: "low" });
    const body = (await res.json()) as Compression;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ success: true, target_size_mb: target, quality: "low", original_size: video.file_size });
    expect(body.output_path).toBe(`/api/v1/video/tiktok-${id}-${target}mb-low.mp4`);
    expect(body.ratio).toBeCloseTo(body.file_size / targetBytes, 3);

    const served = await api(body.output_path);
    expect(served.status).toBe(200);
    const bytes = new Uint8Array(await served.arrayBuffer());
    expect(bytes.byteLength).toBe(body.file_size);
    expect(bytes.byteLength).toBeGreaterThanOrEqual(0.9 * targetBytes);
    expect(bytes.byteLength).toBeLessThanOrEqual(targetBytes);
    const probed = await probeBytes(bytes);
    expect(probed.streams.find((s) => s.codec_type === "video")?.codec_name).toBe("h264");
    expect(Math.abs(Number(probed.format.duration) - video.duration)).toBeLessThan(0.5);
    expect(Math.abs(body.duration - Number(probed.format.duration))).toBeLessThan(0.2);
    console.info(`compress: ${video.file_size} B, ${video.duration} s; smallest ${smallestMb} MB; target ${target} MB → ${body.file_size} B (ratio ${body.ratio})`);

    // The same file, target and quality is the same compression.
    const again = await postJson("/api/v1/compress", { input_path: video.file_path, target_size_mb: target, quality: "low" });
    expect(await again.json()).toEqual(body);
    expect((await api(body.output_path, { method: "HEAD" })).headers.get("ETag")).toBe(served.headers.get("ETag"));

    const after = await eventually(today, (d) => d.compressions >= before.compressions + 3);
    expect(after.compressions).toBe(before.compressions + 3);
    expect(after.failures).toBe(before.failures + 1);
  });

  it("should refuse a server path without looking it up", async () => {
    const res = await postJson("/api/v1/compress", { input_path: "/tmp/video.mp4", target_size_mb: 1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ success: false });
  });
});
