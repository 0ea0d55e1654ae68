/**
 * POST /v1/compress against real ffmpeg: six clips of different content, length, sound and target each
 * end at 90–100 % of their target size (measured on the uploaded file), and a target the duration
 * cannot reach fails at once with input.target_too_small stating the smallest size that works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressResultSchema } from "../../protocol/transcoder.ts";
import { AAC, H264_FAST, type StudioClips, startStudioClips } from "./helpers/studio-clips.ts";
import { type Stack, decodesCleanly, postOperation, probeFile, readEvents, startStack, terminal } from "./helpers/stack.ts";

const lavfi = (graph: string) => ["-f", "lavfi", "-i", graph];
const tone = (seconds: number) => lavfi(`sine=frequency=523:sample_rate=48000:duration=${seconds}`);

/** Name → how it is made, its target and the quality asked for. */
const CLIPS = [
  { name: "testsrc2-tone.mp4", args: [...lavfi("testsrc2=size=640x360:rate=30:duration=6"), ...tone(6), ...H264_FAST, ...AAC, "-shortest"], targetBytes: 700_000, quality: "low" },
  { name: "mandelbrot-silent.mp4", args: [...lavfi("mandelbrot=size=480x270:rate=25"), "-t", "4", ...H264_FAST, "-an"], targetBytes: 250_000, quality: "low" },
  { name: "noise-tone.mp4", args: [...lavfi("nullsrc=size=320x240:rate=25,geq=lum='random(1)*255':cb=128:cr=128"), ...tone(3), "-t", "3", ...H264_FAST, ...AAC], targetBytes: 400_000, quality: "low" },
  { name: "life-silent.mp4", args: [...lavfi("life=size=320x240:rate=25:mold=10:ratio=0.3:death_color=#202020:life_color=#e0e0e0"), "-t", "10", ...H264_FAST, "-an"], targetBytes: 300_000, quality: "low" },
  { name: "testsrc2-720p-tone.mp4", args: [...lavfi("testsrc2=size=1280x720:rate=30:duration=4"), ...tone(4), ...H264_FAST, ...AAC, "-shortest"], targetBytes: 1_500_000, quality: "medium" },
  { name: "cellauto-pink.mp4", args: [...lavfi("cellauto=size=400x300:rate=25:rule=110"), ...lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.3"), "-t", "8", ...H264_FAST, ...AAC], targetBytes: 500_000, quality: "low" },
] as const;

let stack: Stack;
let clips: StudioClips;
beforeAll(async () => {
  clips = await startStudioClips();
  stack = await startStack({ allowedOrigins: [clips.origin] });
  for (const clip of CLIPS) await clips.make(clip.name, clip.args);
});
afterAll(async () => {
  await stack?.close();
  await clips?.close();
});

let sequence = 0;
const compress = async (clip: string, targetBytes: number, quality: string) => {
  const prefix = `/compress/${++sequence}`;
  const res = await postOperation(stack, "compress", {
    taskId: `compress-${sequence}`,
    source: clips.url(clip),
    targetBytes,
    quality,
    output: { uploadUrl: `${stack.receiver.origin}${prefix}`, maxBytes: 50 * 1024 * 1024 },
  });
  const { result, error } = terminal(await readEvents(res));
  return { error, result: result === undefined ? undefined : compressResultSchema.parse(result), uploads: stack.receiver.uploads(prefix) };
};

describe("POST /v1/compress", () => {
  it.each(CLIPS.map((c) => [c.name, c] as const))("should land %s within 0.90–1.00 of its target", async (_name, clip) => {
    const run = await compress(clip.name, clip.targetBytes, clip.quality);
    expect(run.error).toBeUndefined();
    const [upload] = run.uploads;
    expect(upload!.name).toBe("compressed.mp4");
    const ratio = upload!.bytes / clip.targetBytes;
    console.log(`compress ${clip.name}: ${upload!.bytes} / ${clip.targetBytes} bytes = ${ratio.toFixed(4)}`);
    expect(ratio).toBeGreaterThanOrEqual(0.9);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(run.result).toMatchObject({ targetBytes: clip.targetBytes, output: { name: "compressed.mp4", size: upload!.bytes } });
    expect(run.result!.ratio).toBeCloseTo(ratio, 3);
    const probed = await probeFile(upload!.file);
    const source = await probeFile(`${clips.dir}/${clip.name}`);
    expect(probed.streams.map((s) => s.codec_name)).toEqual(source.streams.map((s) => (s.codec_type === "video" ? "h264" : "aac")));
    expect(Math.abs(probed.durationSeconds! - source.durationSeconds!)).toBeLessThan(0.1);
    expect(await decodesCleanly(upload!.file)).toBe(true);
  });

  it("should refuse a target below 100 kbit/s of video at once, stating the smallest size, which then works", async () => {
    const clip = CLIPS[0];
    const tooSmall = await compress(clip.name, 60_000, "low");
    expect(tooSmall.error).toMatchObject({ code: "input.target_too_small", retryable: false });
    expect(tooSmall.uploads).toEqual([]);
    const stated = /smallest possible size is (\d+\.\d\d) MB/.exec(tooSmall.error!.message);
    expect(stated).not.toBeNull();
    const smallestBytes = Number(stated![1]) * 1_000_000;
    // 6 s of 100 kbit/s video and 64 kbit/s audio is 123,000 bytes before the mp4 index.
    expect(smallestBytes).toBeGreaterThanOrEqual(123_000);
    expect(smallestBytes).toBeLessThan(160_000);

    const atSmallest = await compress(clip.name, smallestBytes, "low");
    expect(atSmallest.error).toBeUndefined();
    expect(atSmallest.result!.ratio).toBeGreaterThanOrEqual(0.9);
    expect(atSmallest.result!.ratio).toBeLessThanOrEqual(1);
    const justBelow = await compress(clip.name, smallestBytes - 20_000, "low");
    expect(justBelow.error?.code).toBe("input.target_too_small");
  });
});
