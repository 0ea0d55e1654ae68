/**
 * The `analyze` operation (POST /v1/analyze): what the studio's edit script is made from. Fetches the
 * source, probes it, runs one ffmpeg pass (lib/analysis-pass.ts) that detects scene changes, silences
 * and loudness while it writes `numFrames` evenly spaced JPEG frames, then uploads the frames
 * (`frame-000.jpg`, …; one `output` line each) and ends with the findings.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import type { AnalyzeResult, OutputFile } from "../../../../protocol/transcoder.ts";
import { analysisPlan, frameName, readLoudness, readScenes, readSilences } from "../lib/analysis-pass.ts";
import { runFfmpeg } from "../lib/ffmpeg.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { probeSegment } from "../lib/segment-probe.ts";
import { fetchSourceVideo } from "../lib/source-file.ts";
import { uploadFile } from "../lib/upload.ts";

const run = async (ctx: OperationContext<"analyze">): Promise<Result<AnalyzeResult>> => {
  const { request, config, stream, dir, signal } = ctx;
  const source = await fetchSourceVideo(ctx);
  if (!source.ok) return source;
  const video = source.value;

  const plan = analysisPlan({ input: video.file, dir, durationSeconds: video.durationSeconds, numFrames: request.numFrames, hasAudio: video.hasAudio });
  stream.progress("convert", 0);
  const analysed = await runFfmpeg(plan.args, {
    ffmpegPath: config.ffmpegPath,
    signal,
    timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
    durationSeconds: video.durationSeconds,
    onProgress: (f) => stream.progress("convert", f * 100),
  });
  if (!analysed.ok) return analysed;
  stream.progress("convert", 100);

  const frames: AnalyzeResult["frames"] = [];
  for (const [index, time] of plan.frameTimes.entries()) {
    const name = frameName(index);
    const file = path.join(dir, name);
    const size = await stat(file).then((s) => s.size, () => 0);
    // The video stream can end before the container's duration: fewer frames, never a made-up one.
    if (size === 0) break;
    if (size > request.output.maxBytes) return fail("source.too_large", `${name} is ${size} bytes, over the ${request.output.maxBytes} byte limit`, false);
    const info = await probeSegment(file, { ffprobePath: config.ffprobePath, signal });
    if (!info.ok) return info;
    const output: OutputFile = { name, kind: "image", contentType: "image/jpeg", size, index, width: info.value.width, height: info.value.height };
    const sent = await uploadFile({ uploadUrl: request.output.uploadUrl, name, file, size, contentType: output.contentType, signal, timeoutMs: config.socketTimeoutSeconds * 1000 });
    if (!sent.ok) return sent;
    stream.output(output);
    stream.progress("upload", ((index + 1) / plan.frameTimes.length) * 100);
    frames.push({ name, time });
  }
  if (frames.length === 0) return fail("input.invalid", "no frame of the source could be decoded", false);

  const loudness = video.hasAudio ? await readLoudness(dir) : undefined;
  return ok({
    durationSeconds: video.durationSeconds,
    width: video.width,
    height: video.height,
    frameRate: video.frameRate,
    hasAudio: video.hasAudio,
    frames,
    scenes: await readScenes(dir),
    silences: video.hasAudio ? await readSilences(dir, video.durationSeconds) : [],
    ...(loudness ? { loudness } : {}),
  });
};

export const analyzeOperation = defineOperation({
  name: "analyze",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => request.taskId,
  run,
});
