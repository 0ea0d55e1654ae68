import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { thumbnailResultSchema } from "../../protocol/transcoder.ts";
import { hlsClip, hlsClipDir } from "../fixtures/hls-clips.ts";
import { type ClipServer, startClipServer } from "./helpers/clip-server.ts";
import { type Stack, postOperation, readEvents, startStack, terminal } from "./helpers/stack.ts";

const execFileAsync = promisify(execFile);

let stack: Stack;
let clips: ClipServer;
beforeAll(async () => {
  clips = await startClipServer(hlsClipDir());
  stack = await startStack({ allowedOrigins: [clips.origin] });
  await Promise.all([hlsClip("landscape-720p.mp4"), hlsClip("portrait-720x1280.mp4"), hlsClip("corrupt.mp4")]);
});
afterAll(async () => {
  await stack?.close();
  await clips?.close();
});

let sequence = 0;

const thumbnail = async (clip: string, timeSeconds: number, width: number) => {
  const prefix = `/thumb/${++sequence}`;
  const res = await postOperation(stack, "thumbnail", {
    taskId: `thumb-${sequence}`,
    source: clips.url(clip),
    output: { uploadUrl: `${stack.receiver.origin}${prefix}`, maxBytes: 10 * 1024 * 1024 },
    timeSeconds,
    width,
  });
  const { result, error } = terminal(await readEvents(res));
  return { result: result === undefined ? undefined : thumbnailResultSchema.parse(result), error, uploads: stack.receiver.uploads(prefix) };
};

/** The picture ffmpeg decodes from the received JPEG. */
const probeJpeg = async (file: string) => {
  const { stdout } = await execFileAsync("ffprobe", ["-v", "error", "-of", "json", "-show_entries", "stream=codec_name,width,height", file]);
  return (JSON.parse(stdout) as { streams: unknown[] }).streams;
};

/** testsrc2 draws a frame counter; the mean luma of two different frames differs, of the same frame not. */
const signature = async (file: string): Promise<string> => {
  const { stdout } = await execFileAsync("ffmpeg", ["-v", "error", "-i", file, "-vf", "scale=8:8,format=gray", "-f", "rawvideo", "-"], { encoding: "buffer" });
  return stdout.toString("hex");
};

describe("POST /v1/thumbnail", () => {
  it("should upload one JPEG of the frame at that time, at that width, keeping the aspect ratio", async () => {
    const run = await thumbnail("landscape-720p.mp4", 2.5, 320);
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ timeSeconds: 2.5, output: { name: "thumbnail.jpg", contentType: "image/jpeg", width: 320, height: 180 } });
    expect(run.uploads.map((u) => [u.name, u.contentType, u.bytes])).toEqual([["thumbnail.jpg", "image/jpeg", run.result!.output.size]]);
    expect(await probeJpeg(run.uploads[0]!.file)).toEqual([{ codec_name: "mjpeg", width: 320, height: 180 }]);
  });

  it("should take different frames at different times", async () => {
    const early = await thumbnail("landscape-720p.mp4", 0.5, 64);
    const late = await thumbnail("landscape-720p.mp4", 4.5, 64);
    const again = await thumbnail("landscape-720p.mp4", 4.5, 64);
    expect(await signature(late.uploads[0]!.file)).toBe(await signature(again.uploads[0]!.file));
    expect(await signature(early.uploads[0]!.file)).not.toBe(await signature(late.uploads[0]!.file));
  });

  it("should give a portrait video an even height", async () => {
    const run = await thumbnail("portrait-720x1280.mp4", 1, 101);
    expect(await probeJpeg(run.uploads[0]!.file)).toEqual([{ codec_name: "mjpeg", width: 101, height: 180 }]);
  });

  it("should take the last frames of a video shorter than the time asked", async () => {
    const run = await thumbnail("landscape-720p.mp4", 600, 64);
    expect(run.result?.timeSeconds).toBeCloseTo(5.5, 3);
    expect(run.uploads).toHaveLength(1);
  });

  it("should end with input.invalid, not retryable, for a corrupt file", async () => {
    const run = await thumbnail("corrupt.mp4", 1, 64);
    expect(run.error).toMatchObject({ code: "input.invalid", retryable: false });
    expect(run.uploads).toEqual([]);
  });

  it.each([[31], [1921]])("should refuse width %i with 400", async (width) => {
    const res = await postOperation(stack, "thumbnail", { taskId: "t", source: clips.url("landscape-720p.mp4"), output: { uploadUrl: stack.receiver.origin, maxBytes: 1 }, timeSeconds: 1, width });
    expect(res.status).toBe(400);
  });
});
