import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeResultSchema } from "../../protocol/transcoder.ts";
import { type Stack, postOperation, readEvents, startStack, terminal } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

/** Runs a probe to its terminal line. */
const probe = async (body: unknown) => {
  const res = await postOperation(stack, "probe", body);
  expect(res.headers.get("content-type")).toContain("application/x-ndjson");
  return terminal(await readEvents(res));
};

describe("POST /v1/probe", () => {
  it("should describe a video's container and streams in its done line", async () => {
    const result = probeResultSchema.parse((await probe({ url: `${stack.fixture.origin}/media/clip-2s.mp4` })).result);
    expect(result.formatName).toContain("mp4");
    expect(result.durationSeconds).toBeCloseTo(2, 0);
    expect(result.streams).toEqual([
      expect.objectContaining({ index: 0, type: "video", codec: "h264", width: 640, height: 360, frameRate: 25 }),
      expect.objectContaining({ index: 1, type: "audio", codec: "aac", sampleRate: 44100, channels: 2 }),
    ]);
  });

  it("should read only the head of a big file (Range), not all of it", async () => {
    stack.fixture.reset();
    const result = probeResultSchema.parse((await probe({ url: `${stack.fixture.origin}/media/big-1024mb.mp4` })).result);
    expect(result.size).toBe(1024 * 1024 * 1024);
    expect(result.streams.map((s) => s.codec)).toEqual(["h264", "aac"]);
  });

  it("should describe an image", async () => {
    const result = probeResultSchema.parse((await probe({ url: `${stack.fixture.origin}/media/photo-1.jpg` })).result);
    expect(result.streams[0]).toMatchObject({ type: "video", codec: "mjpeg", width: 540, height: 720 });
  });

  it("should refuse playlist formats (DASH, HLS) that would make ffprobe fetch further URLs", async () => {
    const { error } = await probe({ url: `${stack.fixture.origin}/youtube/manifest/abcdefghijk.mpd` });
    expect(error).toMatchObject({ code: "input.invalid", retryable: false });
  });

  it("should end with source.unavailable, not retryable, for a missing object", async () => {
    const { error } = await probe({ url: `${stack.fixture.origin}/media/missing.mp4` });
    expect(error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it("should end with input.invalid for something that is not media", async () => {
    const { error } = await probe({ url: `${stack.fixture.origin}/instagram/p/Vx/` });
    expect(error).toMatchObject({ code: "input.invalid", retryable: false });
  });

  it.each(["http://169.254.169.254/latest/meta-data/", "http://[::1]:8788/healthz", "file:///etc/passwd"])(
    "should end with source.blocked for %s",
    async (url) => {
      const { error } = await probe({ url });
      expect(error).toMatchObject({ code: "source.blocked", retryable: false });
    },
  );

  it("should answer 400 for an invalid request", async () => {
    const res = await postOperation(stack, "probe", { href: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "input.invalid" } });
  });
});
