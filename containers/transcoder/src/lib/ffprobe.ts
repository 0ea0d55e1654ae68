/**
 * ffprobe, restricted. A local file may use only the file protocol; a URL only http(s) over TCP/TLS,
 * through the egress proxy, and only real container demuxers: playlist demuxers (hls, concat, ...)
 * would let a crafted input make ffprobe open further URLs or local files.
 */
import { z } from "zod";
import type { ProbeResult } from "../../../../protocol/transcoder.ts";
import { type Result, fail, ok } from "./result.ts";
import { runProcess } from "./spawn.ts";

/** Demuxers of real media containers and still images (shared with ffmpeg's input options). */
export const FORMAT_WHITELIST = [
  "mov,mp4,m4a,3gp,3g2,mj2",
  "matroska,webm",
  "mp3",
  "aac",
  "wav",
  "flac",
  "ogg",
  "avi",
  "mpegts",
  "flv",
  "asf",
  "mpeg",
  "image2",
  "jpeg_pipe",
  "png_pipe",
  "webp_pipe",
  "gif",
  "gif_pipe",
].join(",");

const num = z.union([z.string(), z.number()]).optional().transform((v) => {
  if (v === undefined || v === "N/A") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
});

const ffprobeStreamSchema = z.object({
  index: z.number().int(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  duration: num,
  bit_rate: num,
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  sample_rate: num,
  channels: z.number().int().optional(),
});

const ffprobeOutputSchema = z.object({
  format: z
    .object({
      format_name: z.string(),
      duration: num,
      size: num,
      bit_rate: num,
    })
    .optional(),
  streams: z.array(ffprobeStreamSchema).default([]),
});
type FfprobeOutput = z.infer<typeof ffprobeOutputSchema>;

export type ProbeTarget = { kind: "file"; path: string } | { kind: "url"; url: string; proxyUrl?: string };

export type ProbeOptions = { ffprobePath: string; signal: AbortSignal; timeoutMs: number };

const STREAM_TYPES = new Set(["video", "audio", "subtitle", "data", "attachment"]);

const frameRate = (rate: string | undefined): number | undefined => {
  const m = rate ? /^(\d+)\/(\d+)$/.exec(rate) : null;
  if (!m || Number(m[2]) === 0) return undefined;
  const value = Number(m[1]) / Number(m[2]);
  return value > 0 ? Math.round(value * 1000) / 1000 : undefined;
};

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

export const toProbeResult = (raw: FfprobeOutput): ProbeResult => {
  const format = raw.format;
  return defined({
    formatName: format?.format_name ?? "unknown",
    durationSeconds: format?.duration !== undefined && format.duration >= 0 ? format.duration : undefined,
    size: format?.size !== undefined ? Math.round(format.size) : undefined,
    bitRate: format?.bit_rate,
    streams: raw.streams.map((s) =>
      defined({
        index: s.index,
        type: (STREAM_TYPES.has(s.codec_type ?? "") ? s.codec_type : "unknown") as ProbeResult["streams"][number]["type"],
        codec: s.codec_name,
        width: s.width,
        height: s.height,
        durationSeconds: s.duration,
        bitRate: s.bit_rate,
        frameRate: s.codec_type === "video" ? (frameRate(s.avg_frame_rate) ?? frameRate(s.r_frame_rate)) : undefined,
        sampleRate: s.sample_rate,
        channels: s.channels,
      }),
    ),
  });
};

export const ffprobe = async (target: ProbeTarget, opts: ProbeOptions): Promise<Result<ProbeResult>> => {
  const args = ["-v", "error", "-print_format", "json", "-show_format", "-show_streams"];
  if (target.kind === "file") {
    // Both whitelists for local files too: an HLS or ffconcat playlist saved as "video.mp4" would
    // otherwise read other local files through the file protocol.
    args.push("-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST, "-i", `file:${target.path}`);
  } else {
    args.push("-protocol_whitelist", target.proxyUrl ? "http,https,tcp,tls,httpproxy" : "http,https,tcp,tls");
    args.push("-format_whitelist", FORMAT_WHITELIST);
    if (target.proxyUrl) args.push("-http_proxy", target.proxyUrl);
    args.push("-rw_timeout", String(opts.timeoutMs * 1000), "-i", target.url);
  }
  const run = await runProcess(opts.ffprobePath, args, {
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    captureStdoutBytes: 4 * 1024 * 1024,
  });
  if (run.aborted) return fail("internal", "aborted", false);
  if (run.timedOut) return fail("timeout", `ffprobe took longer than ${opts.timeoutMs} ms`);
  if (run.spawnError) return fail("internal", `cannot run ffprobe: ${run.spawnError.message}`);
  if (run.code !== 0) {
    const message = run.stderr.trim().split("\n").slice(-3).join(" ") || `ffprobe exited with ${run.code}`;
    if (/HTTP error 404|404 Not Found|410 Gone/i.test(message)) return fail("source.unavailable", message, false);
    if (/HTTP error 40[13]|403 Forbidden|401 Unauthorized/i.test(message)) return fail("source.private", message, false);
    if (/Connection refused|timed out|HTTP error 5\d\d|Server returned 5/i.test(message)) return fail("source.unavailable", message, true);
    return fail("input.invalid", `not a readable media file: ${message}`, false);
  }
  let json: unknown;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    return fail("internal", "ffprobe printed no JSON");
  }
  const parsed = ffprobeOutputSchema.safeParse(json);
  if (!parsed.success) return fail("internal", `unexpected ffprobe output: ${parsed.error.message}`);
  if (!parsed.data.format) return fail("input.invalid", "not a readable media file", false);
  return ok(toProbeResult(parsed.data));
};
