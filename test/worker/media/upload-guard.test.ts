import { describe, expect, it } from "vitest";
import { guardUpload, sniffMedia } from "../../../worker/media/upload-guard";
import { streamOf } from "../support/files";

const enc = new TextEncoder();
const bytes = (...parts: (number[] | string)[]) => {
  const arrays = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.byteLength;
  }
  return out;
};

const MP4 = bytes([0, 0, 0, 0x20], "ftypisom", [0, 0, 2, 0], "isomiso2avc1mp41", "....moov....");
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF", [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], "rest of jpeg".repeat(3));
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "....IHDR".repeat(4));
/** An "mp4" that is an HLS playlist pointing ffmpeg at local files and the network. */
const HLS_AS_MP4 = bytes("#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10.0,\nfile:///etc/passwd\n#EXTINF:10.0,\nhttp://169.254.169.254/latest/meta-data/\n#EXT-X-ENDLIST\n");
const CONCAT_AS_MP4 = bytes("ffconcat version 1.0\nfile '/etc/passwd'\nfile 'http://127.0.0.1:8787/internal'\n");
const HTML_AS_JPEG = bytes("<!doctype html><html><script>alert(1)</script></html>");

async function drain(stream: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe("sniffMedia", () => {
  it.each([
    [MP4, "video/mp4"],
    [JPEG, "image/jpeg"],
    [PNG, "image/png"],
    [bytes([0x1a, 0x45, 0xdf, 0xa3], "webm-ish-header-bytes.........."), "video/webm"],
    [bytes("GIF89a", "........................"), "image/gif"],
    [bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 ", "...................."), "image/webp"],
  ])("should recognise %#", (head, mime) => {
    expect(sniffMedia(head)?.mime).toBe(mime);
  });

  it.each([[HLS_AS_MP4], [CONCAT_AS_MP4], [HTML_AS_JPEG], [bytes("plain text")]])("should not recognise playlists or text %#", (head) => {
    expect(sniffMedia(head)).toBeUndefined();
  });
});

describe("guardUpload", () => {
  it("should pass a real mp4 through unchanged, head included", async () => {
    const guarded = await guardUpload(streamOf(MP4, 7), { declaredType: "video/mp4", maxBytes: 1000, accept: ["video"] });
    expect(guarded.media).toEqual({ mime: "video/mp4", kind: "video" });
    expect(await drain(guarded.stream)).toEqual(MP4);
  });

  it.each([
    ["an HLS playlist named mp4", HLS_AS_MP4, "video/mp4"],
    ["an ffconcat script named mp4", CONCAT_AS_MP4, "video/mp4"],
    ["HTML named jpeg", HTML_AS_JPEG, "image/jpeg"],
    ["a jpeg declared as mp4", JPEG, "video/mp4"],
    ["an mp4 declared as png", MP4, "image/png"],
  ])("should refuse %s with 415", async (_name, file, declaredType) => {
    await expect(guardUpload(streamOf(file, 5), { declaredType, maxBytes: 10_000, accept: ["video", "image"] })).rejects.toMatchObject({ status: 415 });
  });

  it("should refuse an image where only video is accepted", async () => {
    await expect(guardUpload(streamOf(PNG), { declaredType: undefined, maxBytes: 10_000, accept: ["video"] })).rejects.toMatchObject({ status: 415 });
  });

  it("should cut off a stream at the size cap", async () => {
    const big = new Uint8Array(50_000);
    big.set(MP4);
    const guarded = await guardUpload(streamOf(big, 4096), { declaredType: "application/octet-stream", maxBytes: 20_000, accept: ["video"] });
    await expect(drain(guarded.stream)).rejects.toMatchObject({ status: 413 });
  });

  it("should refuse an empty upload", async () => {
    await expect(guardUpload(streamOf(new Uint8Array(0)), { declaredType: "video/mp4", maxBytes: 10, accept: ["video"] })).rejects.toMatchObject({ status: 400 });
  });
});
