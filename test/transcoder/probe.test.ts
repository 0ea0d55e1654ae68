import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeResultSchema } from "../../protocol/transcoder.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const probe = (body: unknown) =>
  fetch(`${stack.transcoder.url}/v1/probe`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("POST /v1/probe", () => {
  it("should describe a video's container and streams as ProbeResult JSON", async () => {
    const res = await probe({ url: `${stack.fixture.origin}/media/clip-2s.mp4` });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const result = probeResultSchema.parse(await res.json());
    expect(result.formatName).toContain("mp4");
    expect(result.durationSeconds).toBeCloseTo(2, 0);
    expect(result.streams).toEqual([
      expect.objectContaining({ index: 0, type: "video", codec: "h264", width: 640, height: 360, frameRate: 25 }),
      expect.objectContaining({ index: 1, type: "audio", codec: "aac", sampleRate: 44100, channels: 2 }),
    ]);
  });

  it("should read only the head of a big file (Range), not all of it", async () => {
    stack.fixture.reset();
    const res = await probe({ url: `${stack.fixture.origin}/media/big-1024mb.mp4` });
    expect(res.status).toBe(200);
    const result = probeResultSchema.parse(await res.json());
    expect(result.size).toBe(1024 * 1024 * 1024);
    expect(result.streams.map((s) => s.codec)).toEqual(["h264", "aac"]);
  });

  it("should describe an image", async () => {
    const result = probeResultSchema.parse(await (await probe({ url: `${stack.fixture.origin}/media/photo-1.jpg` })).json());
    expect(result.streams[0]).toMatchObject({ type: "video", codec: "mjpeg", width: 540, height: 720 });
  });

  it("should refuse playlist formats (DASH, HLS) that would make ffprobe fetch further URLs", async () => {
    const res = await probe({ url: `${stack.fixture.origin}/youtube/manifest/abcdefghijk.mpd` });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: "input.invalid" } });
  });

  it("should answer 404 source.unavailable for a missing object", async () => {
    const res = await probe({ url: `${stack.fixture.origin}/media/missing.mp4` });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "source.unavailable", retryable: false } });
  });

  it("should answer 422 for something that is not media", async () => {
    const res = await probe({ url: `${stack.fixture.origin}/instagram/p/Vx/` });
    expect(res.status).toBe(422);
  });

  it.each(["http://169.254.169.254/latest/meta-data/", "http://[::1]:8788/healthz", "file:///etc/passwd"])(
    "should answer 403 source.blocked for %s",
    async (url) => {
      const res = await probe({ url });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "source.blocked", retryable: false } });
    },
  );

  it("should answer 400 for an invalid request", async () => {
    const res = await probe({ href: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "input.invalid" } });
  });
});
