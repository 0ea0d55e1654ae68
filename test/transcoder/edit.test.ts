/**
 * POST /v1/edit against real ffmpeg: a script is rendered in one pass to an H.264 + AAC mp4 whose
 * duration, frame size, loudness, overlay and index position are measured on the uploaded file.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EditScriptInput } from "../../protocol/edit-script.ts";
import { editResultSchema } from "../../protocol/transcoder.ts";
import { CUT_AND_SILENCE, H264_FAST, type StudioClips, integratedLoudness, startStudioClips } from "./helpers/studio-clips.ts";
import { type Stack, postOperation, probeFile, readEvents, startStack, terminal } from "./helpers/stack.ts";

const execFileAsync = promisify(execFile);

let stack: Stack;
let clips: StudioClips;
beforeAll(async () => {
  clips = await startStudioClips();
  stack = await startStack({ allowedOrigins: [clips.origin] });
  await clips.make("cut.mp4", CUT_AND_SILENCE.args);
  await clips.make("mute.mp4", ["-f", "lavfi", "-i", "testsrc2=size=480x360:rate=30:duration=3", ...H264_FAST, "-an"]);
});
afterAll(async () => {
  await stack?.close();
  await clips?.close();
});

const SOURCE = { durationSeconds: 6, width: 640, height: 360 };
/** Every character a filtergraph or drawtext would otherwise interpret. */
const TRICKY_TEXT = `It's 100% "real": a\\b, [x]; {y} %{pts} $HOME`;

const script = (overrides: Partial<EditScriptInput> = {}): EditScriptInput => ({
  version: 1,
  source: SOURCE,
  output: { aspect: "9:16" },
  segments: [
    { start: 0.5, end: 2.5, fadeIn: 0.3 },
    { start: 3, end: 5, speed: 2, text: { content: TRICKY_TEXT, position: "top" }, fadeOut: 0.3 },
  ],
  audio: { normalize: true },
  ...overrides,
});

let sequence = 0;
const edit = async (clip: string, body: unknown) => {
  const prefix = `/edit/${++sequence}`;
  const res = await postOperation(stack, "edit", {
    taskId: `edit-${sequence}`,
    source: clips.url(clip),
    script: body,
    output: { uploadUrl: `${stack.receiver.origin}${prefix}`, maxBytes: 50 * 1024 * 1024 },
  });
  if (res.status !== 200) return { status: res.status, body: await res.text(), result: undefined, error: undefined, uploads: [] };
  const { result, error } = terminal(await readEvents(res));
  return { status: 200, body: "", error, result: result === undefined ? undefined : editResultSchema.parse(result), uploads: stack.receiver.uploads(prefix) };
};

type StreamInfo = { codec_type: string; codec_name: string; width?: number; height?: number; duration?: string };
const streamsOf = async (file: string): Promise<StreamInfo[]> =>
  (JSON.parse((await execFileAsync("ffprobe", ["-v", "error", "-of", "json", "-show_streams", file])).stdout) as { streams: StreamInfo[] }).streams;

/** The top fifth of the frame at `time`, shrunk to 8x4 grey pixels. */
const topStrip = async (file: string, time: number): Promise<Buffer> =>
  (await execFileAsync("ffmpeg", ["-v", "error", "-ss", String(time), "-i", file, "-frames:v", "1", "-vf", "crop=iw:ih/5:0:0,scale=8:4,format=gray", "-f", "rawvideo", "-"], { encoding: "buffer" })).stdout;
const difference = (a: Buffer, b: Buffer): number => a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;

describe("POST /v1/edit", () => {
  it("should render two segments, one at 2x, cropped to 9:16 with a text overlay, normalised to −14 LUFS, as a faststart mp4", async () => {
    const run = await edit("cut.mp4", script());
    expect(run.error).toBeUndefined();
    const [upload] = run.uploads;
    expect(run.uploads.map((u) => [u.name, u.contentType, u.bytes])).toEqual([["edited.mp4", "video/mp4", run.result!.output.size]]);

    // 2 s at 1x + 2 s at 2x = 3 s (without the speed change it would be 4).
    const probed = await probeFile(upload!.file);
    expect(probed.durationSeconds).toBeGreaterThan(2.9);
    expect(probed.durationSeconds).toBeLessThan(3.1);
    expect(run.result!.output.durationSeconds).toBeCloseTo(probed.durationSeconds!, 2);

    const streams = await streamsOf(upload!.file);
    const video = streams.find((s) => s.codec_type === "video")!;
    const audio = streams.find((s) => s.codec_type === "audio")!;
    expect([video.codec_name, audio.codec_name]).toEqual(["h264", "aac"]);
    // The 640x360 source cropped to its centre 9:16 (202x360), never upscaled.
    expect(video.height).toBe(360);
    expect(Math.abs(video.width! / video.height! - 9 / 16)).toBeLessThan(0.01);
    expect(run.result!.output).toMatchObject({ width: video.width, height: video.height });
    // Both streams end together: the audio was sped up with the picture.
    expect(Math.abs(Number(audio.duration) - Number(video.duration))).toBeLessThan(0.1);

    expect(Math.abs((await integratedLoudness(upload!.file)) - -14)).toBeLessThan(1.5);

    const bytes = await readFile(upload!.file);
    expect(bytes.indexOf("moov")).toBeLessThan(bytes.indexOf("mdat"));
  });

  it("should normalise loudness when no segment changes speed (the script a plain clip gets from its analysis)", async () => {
    // Without atempo before loudnorm, ffmpeg 5.1 could not pick the encoder's channel layout and refused the graph.
    const run = await edit("cut.mp4", script({ segments: [{ start: 0.5, end: 2.5, fadeIn: 0.3 }, { start: 3, end: 5, fadeOut: 0.3 }], audio: { normalize: true } }));
    expect(run.error).toBeUndefined();
    const [upload] = run.uploads;
    const probed = await probeFile(upload!.file);
    expect(probed.durationSeconds).toBeGreaterThan(3.9);
    expect(probed.durationSeconds).toBeLessThan(4.1);
    expect(Math.abs((await integratedLoudness(upload!.file)) - -14)).toBeLessThan(1.5);
  });

  it("should draw the overlay only where the script puts it", async () => {
    const withText = await edit("cut.mp4", script());
    const withoutText = await edit("cut.mp4", script({ segments: [{ start: 0.5, end: 2.5, fadeIn: 0.3 }, { start: 3, end: 5, speed: 2, fadeOut: 0.3 }] }));
    const a = withText.uploads[0]!.file;
    const b = withoutText.uploads[0]!.file;
    // 2.4 s is inside the second segment (text on, position top); 1 s is in the first (no text).
    expect(difference(await topStrip(a, 2.4), await topStrip(b, 2.4))).toBeGreaterThan(10);
    expect(difference(await topStrip(a, 1), await topStrip(b, 1))).toBeLessThan(3);
  });

  it("should chain atempo for 4x and 0.25x so the sound keeps pace with the picture", async () => {
    const run = await edit("cut.mp4", script({ output: { aspect: "source", height: 240 }, segments: [{ start: 0, end: 4, speed: 4 }, { start: 5.5, end: 6, speed: 0.25 }], audio: { normalize: false } }));
    expect(run.error).toBeUndefined();
    const streams = await streamsOf(run.uploads[0]!.file);
    const video = streams.find((s) => s.codec_type === "video")!;
    const audio = streams.find((s) => s.codec_type === "audio")!;
    // 4 s / 4 + 0.5 s / 0.25 = 3 s, picture and sound alike (the picture within one slowed source frame,
    // 4 / 25 s: its last frame is not held for its full slowed length; the sound within AAC padding).
    // Without the chain a single atempo refuses 4 and 0.25.
    expect(Math.abs(Number(video.duration) - 3)).toBeLessThan(0.16);
    expect(Math.abs(Number(audio.duration) - 3)).toBeLessThan(0.1);
    // `source` aspect under a 240 px height cap: 426x240.
    expect([video.width, video.height]).toEqual([426, 240]);
  });

  it("should render a source without audio to a video without audio", async () => {
    const run = await edit("mute.mp4", script({ source: { durationSeconds: 3, width: 480, height: 360 }, segments: [{ start: 0, end: 1 }, { start: 2, end: 3, speed: 0.5, text: { content: "no sound", position: "bottom" } }] }));
    expect(run.error).toBeUndefined();
    const streams = await streamsOf(run.uploads[0]!.file);
    expect(streams.map((s) => s.codec_type)).toEqual(["video"]);
    expect(Number(streams[0]!.duration)).toBeCloseTo(3, 1);
    expect(streams[0]).toMatchObject({ width: 202, height: 360 });
  });

  it("should leave the sound out when the script mutes it", async () => {
    const run = await edit("cut.mp4", script({ audio: { normalize: true, mute: true } }));
    expect((await streamsOf(run.uploads[0]!.file)).map((s) => s.codec_type)).toEqual(["video"]);
  });

  it.each([
    ["an end before its start", { segments: [{ start: 0, end: 1 }, { start: 3, end: 2.5 }] }, "segments[1].end must be after start"],
    ["overlapping segments", { segments: [{ start: 0, end: 2 }, { start: 1.5, end: 3 }] }, "segments[1].start (1.5) must not be before segments[0].end (2)"],
    ["a segment past the source", { segments: [{ start: 5, end: 7 }] }, "segments[0].end (7) is past the end of the source"],
    ["a speed above 4", { segments: [{ start: 0, end: 1, speed: 5 }] }, "script.segments.0.speed"],
    ["text over 200 characters", { segments: [{ start: 0, end: 1, text: { content: "x".repeat(201) } }] }, "script.segments.0.text.content"],
    ["fades longer than the segment", { segments: [{ start: 0, end: 1, speed: 2, fadeIn: 0.3, fadeOut: 0.3 }] }, "segments[0].fadeIn + fadeOut (0.6 s) is longer than the rendered segment (0.5 s)"],
    ["no segments", { segments: [] }, "script.segments"],
  ])("should refuse %s with 400 naming the field", async (_what, overrides, says) => {
    const run = await edit("cut.mp4", script(overrides as Partial<EditScriptInput>));
    expect(run.status).toBe(400);
    expect(JSON.parse(run.body)).toMatchObject({ error: { code: "input.invalid", retryable: false } });
    expect(run.body).toContain(says);
  });

  it("should end with input.invalid naming the segment when the real file is shorter than the script says", async () => {
    const run = await edit("cut.mp4", script({ source: { ...SOURCE, durationSeconds: 20 }, segments: [{ start: 0, end: 1 }, { start: 2, end: 15 }] }));
    expect(run.error).toMatchObject({ code: "input.invalid", retryable: false });
    expect(run.error!.message).toContain("segments[1].end (15) is past the end of the source");
    expect(run.uploads).toEqual([]);
  });
});
