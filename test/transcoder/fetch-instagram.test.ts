import { readFile } from "node:fs/promises";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Stack, probeFile, runFetch, startStack } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const post = (code: string) => `${stack.fixture.origin}/instagram/p/${code}/`;

describe("Instagram through /v1/fetch", () => {
  it("should deliver a single-video post as one mp4", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Vsingle1"), select: { kind: "video" } });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toEqual([expect.objectContaining({ name: "0.mp4", kind: "video", index: 0, width: 640, height: 360 })]);
    expect(run.done).toMatchObject({ title: "Instagram post Vsingle1", sourceId: "Vsingle1" });
    const probed = await probeFile(stack.receiver.uploads(run.uploadPath)[0]!.file);
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
  });

  it("should deliver a single-image post as one jpg without running yt-dlp on it", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Isingle1"), select: { kind: "any" } });
    expect(run.error).toBeUndefined();
    expect(run.outputs).toEqual([expect.objectContaining({ name: "0.jpg", kind: "image", contentType: "image/jpeg", index: 0 })]);
    // One page fetch: ours. yt-dlp would have fetched the page a second time.
    expect(stack.fixture.hits()["/instagram/p/Isingle1/"]).toBe(1);
  });

  // The carousel is video, image, video, image; indexes are positions in the post.
  it.each([
    { kind: "video" as const, names: ["0.mp4", "2.mp4"] },
    { kind: "image" as const, names: ["1.jpg", "3.jpg"] },
    { kind: "any" as const, names: ["0.mp4", "1.jpg", "2.mp4", "3.jpg"] },
  ])("should deliver the carousel's $kind items as $names", async ({ kind, names }) => {
    const run = await runFetch(stack, { service: "instagram", url: post(`Ccarousel-${kind}`), select: { kind } });
    expect(run.error).toBeUndefined();
    expect(run.outputs.map((o) => o.name)).toEqual(names);
    const uploads = stack.receiver.uploads(run.uploadPath);
    expect(uploads.map((u) => u.name)).toEqual(names);
    for (const upload of uploads) {
      const probed = await probeFile(upload.file);
      const expected = upload.name.endsWith(".mp4") ? "h264" : "mjpeg";
      expect(probed.streams.some((s) => s.codec_name === expected)).toBe(true);
    }
    // The two videos are different clips: the carousel was not collapsed into one.
    if (kind !== "image") {
      const videos = run.outputs.filter((o) => o.kind === "video");
      expect(new Set(videos.map((v) => `${v.width}x${v.height}`)).size).toBe(2);
    }
  });

  it("should honour maxItems over the selected items", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Cmax"), select: { kind: "any", maxItems: 3 } });
    expect(run.outputs.map((o) => o.name)).toEqual(["0.mp4", "1.jpg", "2.mp4"]);
  });

  it("should bundle the whole carousel into bundle.zip", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Cbundle"), select: { kind: "any", bundle: "zip" } });
    expect(run.outputs.map((o) => o.name)).toEqual(["0.mp4", "1.jpg", "2.mp4", "3.jpg", "bundle.zip"]);
    const zip = stack.receiver.uploads(run.uploadPath).find((u) => u.name === "bundle.zip")!;
    const entries = unzipSync(await readFile(zip.file));
    expect(Object.keys(entries).sort()).toEqual(["0.mp4", "1.jpg", "2.mp4", "3.jpg"]);
    expect(run.done?.outputs).toHaveLength(5);
  });

  it("should answer source.unavailable for a post that does not exist", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Xmissing"), select: { kind: "any" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it("should answer source.no_media when videos are asked of an image post", async () => {
    const run = await runFetch(stack, { service: "instagram", url: post("Ionly"), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.no_media", retryable: false });
  });
});
