/**
 * Seed 000 end to end: the real Worker (wrangler dev), the real transcoder (yt-dlp, ffmpeg) and the
 * fixture server standing in for TikTok.
 */
import { describe, expect, it } from "vitest";
import { api, fixtureHits, postJson, probeBytes, uniqueId } from "./support/client";

interface Files {
  files: { name: string; url: string }[];
}

describe("TikTok saver (seed 000)", () => {
  it("should answer the documented example with the documented body and stream a playable video", async () => {
    const res = await postJson("/download", { url: "https://www.tiktok.com/@author123/video/312132123123132" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ files: [{ name: "312132123123132.mp4", url: "/stream/312132123123132.mp4" }] });

    const stream = await api("/stream/312132123123132.mp4");
    expect(stream.status).toBe(200);
    expect(stream.headers.get("Content-Type")).toBe("video/mp4");
    expect(stream.headers.get("Accept-Ranges")).toBe("bytes");
    const bytes = new Uint8Array(await stream.arrayBuffer());
    expect(bytes.byteLength).toBe(Number(stream.headers.get("Content-Length")));
    const probed = await probeBytes(bytes);
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);

    const tail = await api("/stream/312132123123132.mp4", { headers: { Range: "bytes=-1024" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("Content-Range")).toBe(`bytes ${bytes.byteLength - 1024}-${bytes.byteLength - 1}/${bytes.byteLength}`);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(-1024));

    const past = await api("/stream/312132123123132.mp4", { headers: { Range: `bytes=${bytes.byteLength}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get("Content-Range")).toBe(`bytes */${bytes.byteLength}`);
  });

  it("should save a photo post as numbered images", async () => {
    const id = uniqueId();
    const res = await postJson("/download", { url: `https://www.tiktok.com/@photographer/photo/${id}` });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Files;
    expect(body.files.map((f) => f.name)).toEqual([1, 2, 3].map((n) => `${id}_${n}.jpg`));
    for (const file of body.files) {
      const img = await api(file.url);
      expect(img.headers.get("Content-Type")).toBe("image/jpeg");
      const bytes = new Uint8Array(await img.arrayBuffer());
      expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]);
    }
  });

  it("should follow a short link hop by hop to the post", async () => {
    const res = await postJson("/download", { url: "https://vm.tiktok.com/ZMshort1/" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ files: [{ name: "7100000000000000001.mp4", url: "/stream/7100000000000000001.mp4" }] });
  });

  it.each([
    ["https://vm.tiktok.com/evil/", 400, /Invalid TikTok URL/],
    ["https://vm.tiktok.com/offsite/", 400, /Invalid TikTok URL/],
    ["https://vm.tiktok.com/loop/", 400, /Invalid TikTok URL/],
    ["https://www.tiktok.com/@gone/video/7000000000000000404", 404, /not found/],
    ["https://www.tiktok.com/@private/video/7000000000000000403", 403, /private/],
  ])("should answer %s with %i in the documented shape", async (url, status, detail) => {
    const res = await postJson("/download", { url });
    expect(res.status).toBe(status);
    const body = (await res.json()) as { detail: string; message: string };
    expect(body.detail).toMatch(detail);
    expect(body.message).toBe(body.detail);
  });

  it("should download a post once for concurrent identical requests and answer repeats from the cache", async () => {
    const id = uniqueId();
    const url = `https://www.tiktok.com/@dedupe/video/${id}`;
    const page = `/tiktok/@dedupe/video/${id}`;
    const before = await fixtureHits();
    const answers = await Promise.all(Array.from({ length: 6 }, () => postJson("/download", { url })));
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    const after = await fixtureHits();
    expect(after[page]).toBe(1);
    const mediaHits = Object.entries(after).filter(([p]) => p.startsWith("/media/")).reduce((n, [p, c]) => n + c - (before[p] ?? 0), 0);
    expect(mediaHits).toBe(1);

    const again = await postJson("/download", { url });
    expect(await again.json()).toEqual(bodies[0]);
    expect((await fixtureHits())[page]).toBe(1);
  });

  it("should keep the documented validation shapes over the network", async () => {
    const missing = await postJson("/download", {});
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ message: "Validation Error", detail: [{ loc: ["body", "url"], msg: "field required", type: "value_error.missing" }] });
    const empty = await postJson("/download", { url: "" });
    expect(await empty.json()).toEqual({ detail: "URL is required", message: "URL is required" });
    const notFound = await api("/stream/never-downloaded.mp4");
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ detail: "File not found", message: "File not found" });
  });
});
