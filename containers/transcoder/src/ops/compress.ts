/**
 * The `compress` operation (POST /v1/compress): two-pass libx264 to a file size. The plan
 * (lib/size-target.ts) turns the target into a video bit rate after audio and the mp4 index; pass 1
 * writes x264's statistics to the work dir, pass 2 encodes with them. The result is measured: when it
 * is outside 90–100 % of the target, pass 2 runs once more (the statistics are reused) at a bit rate
 * corrected by the video bytes actually produced. A target the duration cannot reach fails at once with
 * `input.target_too_small`, naming the smallest possible size.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { CompressResult, OutputFile } from "../../../../protocol/transcoder.ts";
import { FORMAT_WHITELIST, ffprobe } from "../lib/ffprobe.ts";
import { runFfmpeg } from "../lib/ffmpeg.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { ACCEPTED, MIN_VIDEO_BITRATE, correctedVideoBitrate, megabytesUp, planForSize } from "../lib/size-target.ts";
import { type SourceVideo, fetchSourceVideo } from "../lib/source-file.ts";
import { uploadFile } from "../lib/upload.ts";

const NAME = "compressed.mp4";

type Encoded = { file: string; size: number; videoBytes: number; durationSeconds: number | undefined; width: number | undefined; height: number | undefined };

const run = async (ctx: OperationContext<"compress">): Promise<Result<CompressResult>> => {
  const { request, config, stream, dir, signal } = ctx;
  const source = await fetchSourceVideo(ctx);
  if (!source.ok) return source;
  const video = source.value;
  const { targetBytes } = request;
  const plan = planForSize({ targetBytes, durationSeconds: video.durationSeconds, frameRate: video.frameRate, hasAudio: video.hasAudio, quality: request.quality });
  if (!plan.ok) {
    return fail(
      "input.target_too_small",
      `a ${video.durationSeconds.toFixed(1)} s video cannot be compressed to ${megabytesUp(targetBytes)} MB: the smallest possible size is ` +
        `${megabytesUp(plan.minimumBytes)} MB (${plan.minimumBytes} bytes, at ${MIN_VIDEO_BITRATE / 1000} kbit/s of video` +
        `${video.hasAudio ? " plus audio" : ""})`,
      false,
    );
  }

  const passlog = path.join(dir, "x264");
  const ffmpeg = (args: string[], share: [number, number]) =>
    runFfmpeg(["-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST, "-i", `file:${video.file}`, ...args], {
      ffmpegPath: config.ffmpegPath,
      signal,
      timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
      durationSeconds: video.durationSeconds,
      onProgress: (f) => stream.progress("convert", share[0] + f * (share[1] - share[0])),
    });
  const x264 = (bitrate: number, pass: 1 | 2) => [
    "-map", "0:v:0",
    "-c:v", "libx264", "-preset", plan.preset, "-b:v", String(bitrate), "-pix_fmt", "yuv420p",
    "-pass", String(pass), "-passlogfile", passlog,
  ];

  const first = await ffmpeg([...x264(plan.videoBitrate, 1), "-an", "-f", "null", "-"], [0, 50]);
  if (!first.ok) return first;
  const secondPass = async (bitrate: number, attempt: number, share: [number, number]): Promise<Result<Encoded>> => {
    const file = path.join(dir, `attempt-${attempt}.mp4`);
    const audio = video.hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", String(plan.audioBitrate), ...stereo(video)] : ["-an"];
    const made = await ffmpeg([...x264(bitrate, 2), ...audio, "-movflags", "+faststart", "-f", "mp4", `file:${file}`], share);
    if (!made.ok) return made;
    return measure(ctx, file);
  };

  let encoded = await secondPass(plan.videoBitrate, 1, [50, 90]);
  if (!encoded.ok) return encoded;
  if (!withinTarget(encoded.value.size, targetBytes)) {
    const bitrate = correctedVideoBitrate({ targetBytes, fileBytes: encoded.value.size, videoBytes: encoded.value.videoBytes, videoBitrate: plan.videoBitrate });
    if (bitrate >= MIN_VIDEO_BITRATE) {
      // Progress is monotonic for the Worker: the extra pass shares the last tenth.
      const again = await secondPass(bitrate, 2, [90, 100]);
      if (!again.ok) return again;
      // Keep whichever attempt is inside the band, else the closer one that is not over the target.
      if (withinTarget(again.value.size, targetBytes) || again.value.size <= targetBytes) encoded = again;
    }
  }
  const result = encoded.value;
  if (result.size > targetBytes) return fail("internal", `the encoder overshot twice: ${result.size} bytes for a ${targetBytes} byte target`, false);
  if (result.size > request.output.maxBytes) return fail("source.too_large", `${NAME} is ${result.size} bytes, over the ${request.output.maxBytes} byte limit`, false);

  const output: OutputFile = {
    name: NAME,
    kind: "video",
    contentType: "video/mp4",
    size: result.size,
    index: 0,
    ...(result.durationSeconds !== undefined ? { durationSeconds: result.durationSeconds } : {}),
    ...(result.width && result.height ? { width: result.width, height: result.height } : {}),
  };
  const sent = await uploadFile({ uploadUrl: request.output.uploadUrl, name: NAME, file: result.file, size: result.size, contentType: output.contentType, signal, timeoutMs: config.socketTimeoutSeconds * 1000, onProgress: (f) => stream.progress("upload", f * 100) });
  if (!sent.ok) return sent;
  stream.output(output);
  return ok({ output, targetBytes, ratio: Math.round((result.size / targetBytes) * 10_000) / 10_000 });
};

const withinTarget = (size: number, target: number): boolean => size <= target * ACCEPTED.max && size >= target * ACCEPTED.min;

/** More than two channels at a low AAC rate wastes it on channels phones do not play. */
const stereo = (video: SourceVideo): string[] => ((video.probe.streams.find((s) => s.type === "audio")?.channels ?? 2) > 2 ? ["-ac", "2"] : []);

/** The file's size, and how much of it is video (mp4 stream bit rates are computed from the sample sizes). */
const measure = async (ctx: OperationContext<"compress">, file: string): Promise<Result<Encoded>> => {
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size === 0) return fail("input.invalid", "the encoder wrote nothing: the source holds no decodable video", false);
  const probed = await ffprobe({ kind: "file", path: file }, { ffprobePath: ctx.config.ffprobePath, signal: ctx.signal, timeoutMs: ctx.config.probeTimeoutMs });
  if (!probed.ok) return probed;
  const stream = probed.value.streams.find((s) => s.type === "video");
  const duration = stream?.durationSeconds ?? probed.value.durationSeconds ?? 0;
  const videoBytes = stream?.bitRate ? Math.round((stream.bitRate * duration) / 8) : size;
  return ok({ file, size, videoBytes, durationSeconds: probed.value.durationSeconds, width: stream?.width, height: stream?.height });
};

export const compressOperation = defineOperation({
  name: "compress",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => request.taskId,
  run,
});
