/**
 * POST /v1/analyze against real ffmpeg: a clip with a known hard cut and a known silence must come back
 * with that cut and that silence, loudness measured, and `numFrames` evenly spaced JPEGs uploaded.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyzeResultSchema } from "../../protocol/transcoder.ts";
import { H264_FAST, CUT_AND_SILENCE, type StudioClips, startStudioClips } from "./helpers/studio-clips.ts";
import { type Stack, decodesCleanly, postOperation, probeFile, readEvents, startStack, terminal } from "./helpers/stack.ts";

let stack: Stack;
let clips: StudioClips;
beforeAll(async () => {
  clips = await startStudioClips();
  stack = await startStack({ allowedOrigins: [clips.origin] });
  await clips.make("cut.mp4", CUT_AND_SILENCE.args);
  // No sound, one scene, 4:3.
  await clips.make("quiet.mp4", ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=2", ...H264_FAST, "-an"]);
});
afterAll(async () => {
  await stack?.close();
  await clips?.close();
});

/** The picture shrunk to 8x8 grey pixels. */
const thumbprint = async (file: string): Promise<Buffer> =>
  (await promisify(execFile)("ffmpeg", ["-v", "error", "-i", file, "-vf", "scale=8:8,format=gray", "-f", "rawvideo", "-"], { encoding: "buffer" })).stdout;
/** Mean absolute difference of two thumbprints, 0–255. */
const difference = (a: Buffer, b: Buffer): number => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

let sequence = 0;
const analyze = async (clip: string, numFrames: number) => {
  const prefix = `/analyze/${++sequence}`;
  const res = await postOperation(stack, "analyze", {
    taskId: `analyze-${sequence}`,
    source: clips.url(clip),
    numFrames,
    output: { uploadUrl: `${stack.receiver.origin}${prefix}`, maxBytes: 5 * 1024 * 1024 },
  });
  const events = await readEvents(res);
  const { result, error } = terminal(events);
  return { events, error, result: result === undefined ? undefined : analyzeResultSchema.parse(result), uploads: stack.receiver.uploads(prefix) };
};

describe("POST /v1/analyze", () => {
  it("should find the hard cut within 0.2 s, the silence, and the loudness of a known clip", async () => {
    const run = await analyze("cut.mp4", 6);
    expect(run.error).toBeUndefined();
    const result = run.result!;
    expect(result).toMatchObject({ width: 640, height: 360, frameRate: 25, hasAudio: true });
    expect(result.durationSeconds).toBeCloseTo(CUT_AND_SILENCE.durationSeconds, 1);

    expect(result.scenes).toHaveLength(1);
    expect(Math.abs(result.scenes[0]!.time - CUT_AND_SILENCE.cutSeconds)).toBeLessThanOrEqual(0.2);
    expect(result.scenes[0]!.score).toBeGreaterThan(0.3);

    expect(result.silences).toHaveLength(1);
    expect(Math.abs(result.silences[0]!.start - CUT_AND_SILENCE.silence.start)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(result.silences[0]!.end - CUT_AND_SILENCE.silence.end)).toBeLessThanOrEqual(0.1);

    // A sine at ffmpeg's default amplitude (1/8) measures about −21 LUFS, its peak about −18 dBTP.
    expect(result.loudness!.integrated).toBeGreaterThan(-26);
    expect(result.loudness!.integrated).toBeLessThan(-17);
    expect(result.loudness!.truePeak).toBeLessThan(-12);
    expect(result.loudness!.truePeak).toBeGreaterThan(-24);
  });

  it("should upload numFrames decodable JPEGs, evenly spaced, one output line each", async () => {
    const run = await analyze("cut.mp4", 6);
    const frames = run.result!.frames;
    expect(frames.map((f) => f.name)).toEqual(["frame-000.jpg", "frame-001.jpg", "frame-002.jpg", "frame-003.jpg", "frame-004.jpg", "frame-005.jpg"]);
    // 6 frames over 6 s: the middle of every second.
    expect(frames.map((f) => f.time)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(run.uploads.map((u) => [u.name, u.contentType])).toEqual(frames.map((f) => [f.name, "image/jpeg"]));
    expect(run.events.filter((e) => e.type === "output").map((e) => e.type === "output" && e.output.name)).toEqual(frames.map((f) => f.name));
    for (const upload of run.uploads) {
      expect(await decodesCleanly(upload.file)).toBe(true);
      expect((await probeFile(upload.file)).streams[0]).toMatchObject({ codec_name: "mjpeg", width: 640, height: 360 });
    }
    // After the cut (3 s) every frame is the same still picture of bars; before it, testsrc2. Frames 3–5
    // look alike (only coding noise), frame 2 is a different picture.
    const prints = await Promise.all(run.uploads.map((u) => thumbprint(u.file)));
    expect(difference(prints[3]!, prints[4]!)).toBeLessThan(3);
    expect(difference(prints[4]!, prints[5]!)).toBeLessThan(3);
    expect(difference(prints[2]!, prints[3]!)).toBeGreaterThan(20);
  });

  it("should analyse a video without sound: no silences, no loudness, no scene change", async () => {
    const run = await analyze("quiet.mp4", 1);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ hasAudio: false, width: 320, height: 240, scenes: [], silences: [], frames: [{ name: "frame-000.jpg", time: 1 }] });
    expect(run.result!.loudness).toBeUndefined();
    expect(run.uploads).toHaveLength(1);
  });

  it.each([[0], [61]])("should refuse numFrames %i with 400", async (numFrames) => {
    const res = await postOperation(stack, "analyze", { taskId: "a", source: clips.url("cut.mp4"), numFrames, output: { uploadUrl: stack.receiver.origin, maxBytes: 1 } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("numFrames");
  });
});
