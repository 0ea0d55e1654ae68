/**
 * The `edit` operation (POST /v1/edit): renders a studio edit script in one ffmpeg process (the graph is
 * lib/edit-graph.ts) to H.264 + AAC mp4 with the index in front (faststart), uploads it as
 * `edited.mp4` and ends with what the file measures. A source without audio gives an edit without audio.
 */
import { access, mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fieldPath } from "../../../../protocol/edit-script.ts";
import type { EditResult, OutputFile } from "../../../../protocol/transcoder.ts";
import { OVERLAY_FONT_FILE, editGraph } from "../lib/edit-graph.ts";
import { FORMAT_WHITELIST, ffprobe } from "../lib/ffprobe.ts";
import { runFfmpeg } from "../lib/ffmpeg.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { fetchSourceVideo } from "../lib/source-file.ts";
import { uploadFile } from "../lib/upload.ts";

const NAME = "edited.mp4";
/** A script made from an earlier probe may put its last end a few ms past what this probe reads. */
const DURATION_SLACK_SECONDS = 0.1;

const run = async (ctx: OperationContext<"edit">): Promise<Result<EditResult>> => {
  const { request, config, stream, dir, signal } = ctx;
  const script = request.script;
  if (script.segments.some((s) => s.text) && !(await access(OVERLAY_FONT_FILE).then(() => true, () => false))) {
    return fail("internal", `text overlays need ${OVERLAY_FONT_FILE} (Debian package fonts-dejavu-core), which is not installed`, false);
  }
  const source = await fetchSourceVideo(ctx);
  if (!source.ok) return source;
  const video = source.value;
  for (const [i, segment] of script.segments.entries()) {
    if (segment.end > video.durationSeconds + DURATION_SLACK_SECONDS) {
      return fail("input.invalid", `${fieldPath(["segments", i, "end"])} (${segment.end}) is past the end of the source (${video.durationSeconds} s)`, false);
    }
  }

  const textDir = path.join(dir, "texts");
  await mkdir(textDir, { recursive: true });
  const graph = editGraph(script, video, { textDir });
  for (const text of graph.texts) await writeFile(text.file, text.content);

  const file = path.join(dir, NAME);
  stream.progress("convert", 0);
  const rendered = await runFfmpeg(
    [
      "-protocol_whitelist", "file",
      "-format_whitelist", FORMAT_WHITELIST,
      "-i", `file:${video.file}`,
      "-filter_complex", graph.filterComplex,
      "-map", graph.videoPad,
      ...(graph.audioPad ? ["-map", graph.audioPad, "-c:a", "aac", "-b:a", "128k"] : ["-an"]),
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
      "-movflags", "+faststart",
      "-f", "mp4",
      `file:${file}`,
    ],
    {
      ffmpegPath: config.ffmpegPath,
      signal,
      timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
      durationSeconds: graph.durationSeconds,
      onProgress: (f) => stream.progress("convert", f * 100),
    },
  );
  if (!rendered.ok) return rendered;
  stream.progress("convert", 100);

  const size = await stat(file).then((s) => s.size, () => 0);
  if (size === 0) return fail("input.invalid", "ffmpeg rendered nothing: the segments hold no decodable frames", false);
  if (size > request.output.maxBytes) return fail("source.too_large", `${NAME} is ${size} bytes, over the ${request.output.maxBytes} byte limit`, false);
  const probed = await ffprobe({ kind: "file", path: file }, { ffprobePath: config.ffprobePath, signal, timeoutMs: config.probeTimeoutMs });
  if (!probed.ok) return probed;
  const out = probed.value.streams.find((s) => s.type === "video");
  const output: OutputFile = {
    name: NAME,
    kind: "video",
    contentType: "video/mp4",
    size,
    index: 0,
    ...(probed.value.durationSeconds !== undefined ? { durationSeconds: probed.value.durationSeconds } : {}),
    ...(out?.width && out.height ? { width: out.width, height: out.height } : {}),
  };
  stream.progress("upload", 0);
  const sent = await uploadFile({ uploadUrl: request.output.uploadUrl, name: NAME, file, size, contentType: output.contentType, signal, timeoutMs: config.socketTimeoutSeconds * 1000, onProgress: (f) => stream.progress("upload", f * 100) });
  if (!sent.ok) return sent;
  stream.output(output);
  return ok({ output });
};

export const editOperation = defineOperation({
  name: "edit",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => request.taskId,
  run,
});
