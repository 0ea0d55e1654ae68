/**
 * The `thumbnail` operation (POST /v1/thumbnail): one JPEG of the frame at a time, `width` pixels wide,
 * height following the aspect ratio (even). ffmpeg reads the signed URL itself, through the egress
 * proxy with the same protocol and format whitelists as ffprobe, and seeks by Range: a frame from the
 * middle of a large video costs a few requests, not a download of the whole file.
 */
import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { ThumbnailResult } from "../../../../protocol/transcoder.ts";
import { FORMAT_WHITELIST, ffprobe } from "../lib/ffprobe.ts";
import { runFfmpeg } from "../lib/ffmpeg.ts";
import { checkUrl } from "../lib/net-guard.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { probeSegment } from "../lib/segment-probe.ts";
import { uploadFile } from "../lib/upload.ts";

const NAME = "thumbnail.jpg";
/** Seeking this close to the end can land after the last frame, which makes ffmpeg write nothing. */
const END_MARGIN_SECONDS = 0.5;

const run = async (ctx: OperationContext<"thumbnail">): Promise<Result<ThumbnailResult>> => {
  const { request, config, signal } = ctx;
  const verdict = await checkUrl(request.source, ctx.policy);
  if (!verdict.ok) return verdict;
  const url = verdict.url.toString();

  const probed = await ffprobe({ kind: "url", url, proxyUrl: ctx.proxyUrl }, { ffprobePath: config.ffprobePath, signal, timeoutMs: config.probeTimeoutMs });
  if (!probed.ok) return probed;
  if (!probed.value.streams.some((s) => s.type === "video")) return fail("input.invalid", "the source has no video stream", false);
  const duration = probed.value.durationSeconds;
  const time = duration === undefined ? request.timeSeconds : Math.max(0, Math.min(request.timeSeconds, duration - END_MARGIN_SECONDS));

  const outDir = path.join(ctx.dir, "out");
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, NAME);
  const made = await runFfmpeg(
    [
      "-protocol_whitelist", "http,https,tcp,tls,httpproxy",
      "-format_whitelist", FORMAT_WHITELIST,
      "-http_proxy", ctx.proxyUrl,
      "-rw_timeout", String(config.socketTimeoutSeconds * 1_000_000),
      // Input-side seek: jumps to the keyframe before `time` by Range, then decodes up to the exact frame.
      "-ss", time.toFixed(3),
      "-i", url,
      "-map", "0:v:0",
      "-frames:v", "1",
      "-vf", `scale=${request.width}:-2`,
      "-q:v", "3",
      `file:${file}`,
    ],
    { ffmpegPath: config.ffmpegPath, signal, timeoutMs: config.probeTimeoutMs, durationSeconds: undefined },
  );
  if (!made.ok) return made;
  const size = await stat(file).then((s) => s.size, () => 0);
  if (size === 0) return fail("input.invalid", `no frame could be decoded at ${time.toFixed(3)} s`, false);
  if (size > request.output.maxBytes) return fail("source.too_large", `${NAME} is ${size} bytes, over the ${request.output.maxBytes} byte limit`, false);

  const info = await probeSegment(file, { ffprobePath: config.ffprobePath, signal });
  if (!info.ok) return info;
  const output = { name: NAME, kind: "image" as const, contentType: "image/jpeg", size, index: 0, width: info.value.width, height: info.value.height };
  const sent = await uploadFile({ uploadUrl: request.output.uploadUrl, name: NAME, file, size, contentType: output.contentType, signal, timeoutMs: config.socketTimeoutSeconds * 1000 });
  if (!sent.ok) return sent;
  ctx.stream.output(output);
  return ok({ output, timeSeconds: time });
};

export const thumbnailOperation = defineOperation({
  name: "thumbnail",
  timeoutMs: (config) => config.probeTimeoutMs * 2,
  label: (request) => request.taskId,
  run,
});
