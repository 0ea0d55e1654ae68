import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Stack, decodesCleanly, probeFile, runFetch, startStack } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const watch = (id: string) => `${stack.fixture.origin}/youtube/watch?v=${id}`;

describe("YouTube through /v1/fetch", () => {
  // The fixture offers video-only renditions at 144/240/360/480/720/1080 plus one AAC audio format.
  it.each([
    { maxHeight: 144, expected: 144 },
    { maxHeight: 480, expected: 480 },
    { maxHeight: 720, expected: 720 },
    { maxHeight: 1080, expected: 1080 },
    { maxHeight: 600, expected: 480 },
    { maxHeight: 2160, expected: 1080 },
  ])("should choose the $expected p format for maxHeight $maxHeight and merge the audio into one mp4", async ({ maxHeight, expected }) => {
    const run = await runFetch(stack, { service: "youtube", url: watch("dQw4w9WgXcQ"), select: { kind: "video", maxHeight } });

    expect(run.error).toBeUndefined();
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]).toMatchObject({ name: "0.mp4", kind: "video", height: expected });
    expect(run.done).toMatchObject({ title: "YouTube video dQw4w9WgXcQ", sourceId: "dQw4w9WgXcQ" });

    const file = stack.receiver.uploads(run.uploadPath)[0]!.file;
    const probed = await probeFile(file);
    const video = probed.streams.find((s) => s.codec_type === "video")!;
    expect(video.codec_name).toBe("h264");
    expect(video.height).toBe(expected);
    expect(video.height!).toBeLessThanOrEqual(maxHeight);
    expect(probed.streams.some((s) => s.codec_type === "audio" && s.codec_name === "aac")).toBe(true);
    expect(probed.formatName).toContain("mp4");

    // Exactly the chosen rendition and the audio were fetched, once each; no other height was touched.
    const hits = stack.fixture.hits();
    expect(hits[`/media/clip-2s-${expected}p.mp4`]).toBe(1);
    expect(hits["/media/clip-2s-audio.m4a"]).toBe(1);
    const renditionHits = Object.keys(hits).filter((p) => /clip-2s-\d+p\.mp4$/.test(p));
    expect(renditionHits).toEqual([`/media/clip-2s-${expected}p.mp4`]);
  });

  it("should take the best format when no height cap is given", async () => {
    const run = await runFetch(stack, { service: "youtube", url: watch("abcdefghijk"), select: { kind: "video" } });
    expect(run.outputs[0]).toMatchObject({ height: 1080 });
    expect(await decodesCleanly(stack.receiver.uploads(run.uploadPath)[0]!.file)).toBe(true);
  });

  it("should extract an mp3 from the audio format alone", async () => {
    const run = await runFetch(stack, { service: "youtube", url: watch("abcdefghijk"), select: { kind: "audio", audioFormat: "mp3" } });

    expect(run.error).toBeUndefined();
    expect(run.outputs).toEqual([expect.objectContaining({ name: "0.mp3", kind: "audio", contentType: "audio/mpeg", index: 0 })]);
    const probed = await probeFile(stack.receiver.uploads(run.uploadPath)[0]!.file);
    expect(probed.formatName).toBe("mp3");
    expect(probed.streams.map((s) => [s.codec_type, s.codec_name])).toEqual([["audio", "mp3"]]);
    expect(probed.durationSeconds).toBeGreaterThan(1.5);
    const renditionHits = Object.keys(stack.fixture.hits()).filter((p) => /clip-2s-\d+p\.mp4$/.test(p));
    expect(renditionHits).toEqual([]);
  });

  it("should answer source.unavailable (not retryable) for a removed video", async () => {
    const run = await runFetch(stack, { service: "youtube", url: watch("unavailable0"), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: false });
    expect(run.outputs).toHaveLength(0);
  });
});
