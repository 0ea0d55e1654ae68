/**
 * ffmpeg for local files only (`-protocol_whitelist file`), with progress from `-progress pipe:1`.
 * The transcoder remuxes whenever that is enough and re-encodes only what mp4 cannot carry or what is
 * taller than the requested cap.
 */
import { FORMAT_WHITELIST } from "./ffprobe.ts";
import type { ProbeResult } from "../../../../protocol/transcoder.ts";
import { type Result, fail, ok } from "./result.ts";
import { runProcess } from "./spawn.ts";

export type FfmpegOptions = {
  ffmpegPath: string;
  signal: AbortSignal;
  timeoutMs: number;
  /** Input duration, to turn `out_time_us` into a fraction. */
  durationSeconds: number | undefined;
  onProgress?: (fraction: number) => void;
};

export const runFfmpeg = async (args: string[], opts: FfmpegOptions): Promise<Result<void>> => {
  const full = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "error", "-y", "-progress", "pipe:1", ...args];
  const total = opts.durationSeconds && opts.durationSeconds > 0 ? opts.durationSeconds * 1e6 : undefined;
  const run = await runProcess(opts.ffmpegPath, full, {
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    onStdoutLine: (line) => {
      const [key, value] = line.split("=", 2);
      if (key === "out_time_us" && total && value && /^\d+$/.test(value)) opts.onProgress?.(Math.min(1, Number(value) / total));
      if (key === "progress" && value === "end") opts.onProgress?.(1);
    },
  });
  if (run.aborted) return fail("internal", "aborted", false);
  if (run.timedOut) return fail("timeout", `ffmpeg took longer than ${opts.timeoutMs} ms`);
  if (run.spawnError) return fail("internal", `cannot run ffmpeg: ${run.spawnError.message}`);
  // Killed from outside (the OOM killer, an operator): nothing says the input is at fault, so try again.
  if (run.signal) return fail("internal", `ffmpeg was killed by ${run.signal}`, true);
  if (run.code !== 0) {
    const message = run.stderr.trim().split("\n").slice(-3).join(" ");
    return fail("input.invalid", `ffmpeg failed: ${message || `exit ${run.code}`}`, false);
  }
  return ok(undefined);
};

/** Codecs the mp4 muxer carries without `-strict` and that mainstream players decode. */
const MP4_VIDEO_CODECS = new Set(["h264", "hevc", "av1", "vp9", "mpeg4"]);
const MP4_AUDIO_CODECS = new Set(["aac", "mp3", "opus", "ac3", "eac3", "alac"]);

export type Mp4Need = { remux: boolean; encodeVideo: boolean; encodeAudio: boolean; scaleToHeight: number | undefined };

/** What it takes to turn a probed file into a playable mp4 no taller than `maxHeight`. */
export const mp4Need = (probe: ProbeResult, maxHeight: number | undefined): Mp4Need | undefined => {
  const video = probe.streams.find((s) => s.type === "video");
  const audio = probe.streams.find((s) => s.type === "audio");
  const tooTall = maxHeight !== undefined && video?.height !== undefined && video.height > maxHeight;
  const encodeVideo = video !== undefined && (tooTall || !MP4_VIDEO_CODECS.has(video.codec ?? ""));
  const encodeAudio = audio !== undefined && !MP4_AUDIO_CODECS.has(audio.codec ?? "");
  const isMp4 = probe.formatName.split(",").includes("mp4");
  if (isMp4 && !encodeVideo && !encodeAudio) return undefined;
  return { remux: true, encodeVideo, encodeAudio, scaleToHeight: tooTall ? maxHeight : undefined };
};

export const mp4Args = (input: string, output: string, need: Mp4Need): string[] => [
  "-protocol_whitelist",
  "file",
  "-format_whitelist",
  FORMAT_WHITELIST,
  "-i",
  `file:${input}`,
  "-map",
  "0:v:0?",
  "-map",
  "0:a:0?",
  ...(need.encodeVideo
    ? [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        ...(need.scaleToHeight ? ["-vf", `scale=-2:${need.scaleToHeight}`] : []),
      ]
    : ["-c:v", "copy"]),
  ...(need.encodeAudio ? ["-c:a", "aac", "-b:a", "128k"] : ["-c:a", "copy"]),
  "-movflags",
  "+faststart",
  `file:${output}`,
];

/** `ffmpeg -version`'s version token, for /healthz. */
export const ffmpegVersion = async (ffmpegPath: string, signal: AbortSignal): Promise<string | undefined> => {
  const run = await runProcess(ffmpegPath, ["-hide_banner", "-version"], { signal, timeoutMs: 15_000, captureStdoutBytes: 64 * 1024 });
  if (run.code !== 0) return undefined;
  return /ffmpeg version (\S+)/.exec(run.stdout)?.[1];
};
