import { describe, expect, it } from "vitest";
import { readImageSize } from "../../../../worker/faces/social/image-size";
import { GIF, IMAGE_HEIGHT, IMAGE_WIDTH, JPEG, jpegWithMetadata, PNG, WEBP_LOSSLESS, WEBP_LOSSY } from "./images";

function vp8x(width: number, height: number): Uint8Array {
  const b = new Uint8Array(30);
  b.set(new TextEncoder().encode("RIFF"), 0);
  b.set(new TextEncoder().encode("WEBPVP8X"), 8);
  b[16] = 10;
  const w = width - 1;
  const h = height - 1;
  b.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 24);
  return b;
}

describe("readImageSize", () => {
  it.each([
    ["png", PNG],
    ["jpeg", JPEG],
    ["gif", GIF],
    ["webp", WEBP_LOSSY],
    ["webp", WEBP_LOSSLESS],
  ] as const)("should read the size of a real %s made by ffmpeg", (format, bytes) => {
    expect(readImageSize(bytes)).toEqual({ ok: true, format, width: IMAGE_WIDTH, height: IMAGE_HEIGHT });
  });

  it("should read an extended WebP's canvas size (24-bit fields)", () => {
    expect(readImageSize(vp8x(5000, 70_000))).toEqual({ ok: true, format: "webp", width: 5000, height: 70_000 });
  });

  it("should skip JPEG metadata segments and ask for more bytes when the frame header lies beyond them", () => {
    const padded = jpegWithMetadata(200_000);
    const partial = readImageSize(padded.subarray(0, 64 * 1024));
    expect(partial).toMatchObject({ ok: false, needBytes: expect.any(Number) });
    expect((partial as { needBytes: number }).needBytes).toBeGreaterThan(64 * 1024);
    expect(readImageSize(padded)).toEqual({ ok: true, format: "jpeg", width: IMAGE_WIDTH, height: IMAGE_HEIGHT });
  });

  it.each([
    ["text", new TextEncoder().encode("hello, this is not an image at all")],
    ["a truncated PNG", PNG.subarray(0, 20)],
    ["a PNG without IHDR first", Uint8Array.from([...PNG.subarray(0, 12), 0x49, 0x44, 0x41, 0x54, ...PNG.subarray(16, 40)])],
    ["a JPEG whose image data starts before any frame header", Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6])],
    ["a JPEG with garbage where a marker should be", Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0, 0x12, 0x34, 0, 0])],
    ["a GIF of zero width", Uint8Array.from([...GIF.subarray(0, 6), 0, 0, 5, 0])],
    ["a lossy WebP without its start code", Uint8Array.from([...WEBP_LOSSY.subarray(0, 23), 0, 0, 0, ...WEBP_LOSSY.subarray(26, 40)])],
  ])("should refuse %s with a reason", (_name, bytes) => {
    const result = readImageSize(bytes);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ reason: expect.any(String) });
  });
});
