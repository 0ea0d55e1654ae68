import { readFile } from "node:fs/promises";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchResultSchema } from "../../protocol/transcoder.ts";
import { CATALOGUE_CLIPS, userVideos } from "../fixtures/tiktok-catalogue.ts";
import { type Stack, decodesCleanly, probeFile, runFetch, startStack } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const tiktok = (path: string) => `${stack.fixture.origin}/tiktok/${path}`;

describe("TikTok through /v1/fetch", () => {
  it("should deliver a video post as one playable mp4, downloading the media once", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/7100000000000000042"), select: { kind: "video" } });

    expect(run.error).toBeUndefined();
    expect(run.outputs).toHaveLength(1);
    expect(run.outputs[0]).toMatchObject({ name: "0.mp4", kind: "video", contentType: "video/mp4", index: 0, width: 640, height: 360 });
    expect(run.done).toMatchObject({ title: "TikTok video 7100000000000000042", sourceId: "7100000000000000042", uploader: "alice" });

    const [upload] = stack.receiver.uploads(run.uploadPath);
    expect(upload).toMatchObject({ name: "0.mp4", contentType: "video/mp4", bytes: run.outputs[0]!.size, contentLength: run.outputs[0]!.size });
    // The checksum travels ahead of the body (the Worker verifies the stored bytes against it and keeps it).
    expect(upload!.declaredCrc32).toBe(upload!.crc32);
    const probed = await probeFile(upload!.file);
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(probed.durationSeconds).toBeCloseTo(2, 0);
    expect(await decodesCleanly(upload!.file)).toBe(true);

    expect(stack.fixture.hits()["/media/clip-2s.mp4"]).toBe(1);
    expect(stack.fixture.hits()["/tiktok/@alice/video/7100000000000000042"]).toBe(1);
  });

  it("should take the post id from a canonical URL without a user (the Worker's form for embed links)", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@/video/7100000000000000077"), select: { kind: "video" } });
    expect(run.error).toBeUndefined();
    expect(run.done?.sourceId).toBe("7100000000000000077");
    expect(run.done?.uploader).not.toBe("");
  });

  it("should report progress stages in order and end with exactly one done line", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/1"), select: { kind: "video" } });
    const terminal = run.events.filter((e) => e.type === "done" || e.type === "error");
    expect(terminal).toHaveLength(1);
    expect(run.events.at(-1)?.type).toBe("done");
    const firstOf = (stage: string) => run.events.findIndex((e) => e.type === "progress" && e.stage === stage);
    expect(firstOf("resolve")).toBeLessThan(firstOf("download"));
    expect(firstOf("download")).toBeLessThan(firstOf("upload"));
    expect(run.events.findIndex((e) => e.type === "output")).toBeGreaterThan(firstOf("upload"));
  });

  it("should deliver a photo post as its three images, in post order", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@bob/photo/7200000000000000001"), select: { kind: "image" } });

    expect(run.error).toBeUndefined();
    expect(run.outputs.map((o) => [o.name, o.kind, o.contentType, o.index])).toEqual([
      ["0.jpg", "image", "image/jpeg", 0],
      ["1.jpg", "image", "image/jpeg", 1],
      ["2.jpg", "image", "image/jpeg", 2],
    ]);
    expect(run.done).toMatchObject({ title: "TikTok photo 7200000000000000001", sourceId: "7200000000000000001", uploader: "bob" });
    for (const upload of stack.receiver.uploads(run.uploadPath)) {
      const probed = await probeFile(upload.file);
      expect(probed.streams[0]).toMatchObject({ codec_name: "mjpeg", width: 540, height: 720 });
    }
    for (const n of [1, 2, 3]) expect(stack.fixture.hits()[`/media/photo-${n}.jpg`]).toBe(1);
  });

  it("should add bundle.zip whose stored entries are exactly the three images", async () => {
    const run = await runFetch(stack, {
      service: "tiktok",
      url: tiktok("@bob/photo/7200000000000000002"),
      select: { kind: "any", bundle: "zip" },
    });

    expect(run.error).toBeUndefined();
    expect(run.outputs.map((o) => o.name)).toEqual(["0.jpg", "1.jpg", "2.jpg", "bundle.zip"]);
    expect(run.outputs[3]).toMatchObject({ kind: "archive", index: -1, contentType: "application/zip" });

    const uploads = stack.receiver.uploads(run.uploadPath);
    const zip = uploads.find((u) => u.name === "bundle.zip")!;
    const zipBytes = await readFile(zip.file);
    const entries = unzipSync(zipBytes);
    expect(Object.keys(entries).sort()).toEqual(["0.jpg", "1.jpg", "2.jpg"]);
    for (const name of ["0.jpg", "1.jpg", "2.jpg"]) {
      const original = await readFile(uploads.find((u) => u.name === name)!.file);
      expect(Buffer.from(entries[name]!).equals(original)).toBe(true);
    }
    // STORE: local header compression method 0 for every entry.
    let offset = 0;
    let headers = 0;
    while ((offset = zipBytes.indexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), offset)) !== -1) {
      expect(zipBytes.readUInt16LE(offset + 8)).toBe(0);
      headers++;
      offset += 4;
    }
    expect(headers).toBe(3);
  });

  it("should not zip a single item even when a bundle is asked for", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/3"), select: { kind: "video", bundle: "zip" } });
    expect(run.outputs.map((o) => o.name)).toEqual(["0.mp4"]);
  });

  it("should answer source.no_media when a video is asked of a photo post", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@bob/photo/4"), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.no_media", retryable: false });
    expect(run.outputs).toHaveLength(0);
  });

  it("should extract an mp3 from a video post", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/5"), select: { kind: "audio", audioFormat: "mp3" } });
    expect(run.outputs).toEqual([expect.objectContaining({ name: "0.mp3", kind: "audio", contentType: "audio/mpeg" })]);
    const probed = await probeFile(stack.receiver.uploads(run.uploadPath)[0]!.file);
    expect(probed.streams.map((s) => s.codec_name)).toEqual(["mp3"]);
  });
});

describe("TikTok catalogue videos through /v1/fetch", () => {
  const alice = () => userVideos("archive.alice")!;
  const flaky = () => userVideos("archive.flaky")!;

  it("should report the metadata yt-dlp's generic extractor reads from the page's JSON-LD", async () => {
    const video = alice()[1]!;
    const run = await runFetch(stack, { service: "tiktok", url: tiktok(`@archive.alice/video/${video.id}`), select: { kind: "video" } });

    expect(run.error).toBeUndefined();
    const done = fetchResultSchema.parse(run.done);
    expect(done).toMatchObject({ sourceId: video.id, uploader: "archive.alice" });
    expect(done.metadata).toEqual({
      description: video.description,
      uploader: "archive.alice",
      viewCount: video.views,
      likeCount: video.likes,
      commentCount: video.comments,
      timestamp: video.createTime,
      // The JSON-LD has no keywords: the hashtags come from the description.
      tags: video.hashtags,
      durationSeconds: video.durationSeconds,
      hasWatermark: false,
      // Not in what the generic extractor reads: nickname, shares (ShareAction has no yt-dlp field), music.
    });
    const clip = CATALOGUE_CLIPS[video.clip];
    expect(run.outputs[0]).toMatchObject({ kind: "video", width: clip.width, height: clip.height });
    expect(run.outputs[0]!.durationSeconds).toBeCloseTo(clip.durationSeconds, 0);
    expect(await decodesCleanly(stack.receiver.uploads(run.uploadPath)[0]!.file)).toBe(true);
    // The page once for metadata and formats, the media once.
    expect(stack.fixture.hits()).toEqual({ [`/tiktok/@archive.alice/video/${video.id}`]: 1, [`/tiktok/media/${video.id}.mp4`]: 1 });
  });

  it("should answer source.unavailable, not retryable, for a broken video whose page is gone", async () => {
    const video = flaky().find((v) => v.broken === "page")!;
    const run = await runFetch(stack, { service: "tiktok", url: tiktok(`@archive.flaky/video/${video.id}`), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it("should answer a retryable failure for a broken video whose media server errs", async () => {
    const video = flaky().find((v) => v.broken === "media")!;
    const run = await runFetch(stack, { service: "tiktok", url: tiktok(`@archive.flaky/video/${video.id}`), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: true });
    expect(run.outputs).toEqual([]);
  });

  it("should deliver the flaky user's healthy videos", async () => {
    const video = flaky().find((v) => v.broken === undefined)!;
    const run = await runFetch(stack, { service: "tiktok", url: tiktok(`@archive.flaky/video/${video.id}`), select: { kind: "video" } });
    expect(run.error).toBeUndefined();
    expect(run.done?.sourceId).toBe(video.id);
  });
});
