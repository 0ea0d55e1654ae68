/**
 * What a produced segment actually holds (size, codec profile and level, rate), read by ffprobe, for the
 * master playlist's RESOLUTION, CODECS and FRAME-RATE.
 */
import { z } from "zod";
import { FORMAT_WHITELIST } from "./ffprobe.ts";
import { type Result, fail, ok } from "./result.ts";
import { runProcess } from "./spawn.ts";

const streamSchema = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  profile: z.string().optional(),
  level: z.number().int().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  r_frame_rate: z.string().optional(),
});
const outputSchema = z.object({ streams: z.array(streamSchema).default([]) });

export type SegmentInfo = {
  width: number;
  height: number;
  frameRate: number;
  video: { profile?: string; level?: number };
  audio: { profile?: string } | undefined;
};

const rate = (text: string | undefined): number | undefined => {
  const m = text ? /^(\d+)\/(\d+)$/.exec(text) : null;
  if (!m || Number(m[2]) === 0 || Number(m[1]) === 0) return undefined;
  return Math.round((Number(m[1]) / Number(m[2])) * 1000) / 1000;
};

export const probeSegment = async (file: string, opts: { ffprobePath: string; signal: AbortSignal }): Promise<Result<SegmentInfo>> => {
  const run = await runProcess(
    opts.ffprobePath,
    [
      "-v", "error", "-print_format", "json",
      "-show_entries", "stream=codec_type,codec_name,profile,level,width,height,r_frame_rate",
      "-protocol_whitelist", "file", "-format_whitelist", FORMAT_WHITELIST, "-i", `file:${file}`,
    ],
    { signal: opts.signal, timeoutMs: 30_000, captureStdoutBytes: 256 * 1024 },
  );
  if (run.aborted) return fail("internal", "aborted", false);
  if (run.code !== 0) return fail("internal", `cannot probe segment ${file}: ${run.stderr.trim().slice(-300)}`);
  const parsed = outputSchema.safeParse(JSON.parse(run.stdout || "{}"));
  if (!parsed.success) return fail("internal", `unexpected ffprobe output for ${file}`);
  const video = parsed.data.streams.find((s) => s.codec_type === "video");
  const audio = parsed.data.streams.find((s) => s.codec_type === "audio");
  const frameRate = rate(video?.r_frame_rate);
  if (!video?.width || !video.height || frameRate === undefined) return fail("internal", `segment ${file} has no readable video stream`);
  return ok({
    width: video.width,
    height: video.height,
    frameRate,
    video: { ...(video.profile ? { profile: video.profile } : {}), ...(video.level !== undefined ? { level: video.level } : {}) },
    audio: audio ? (audio.profile ? { profile: audio.profile } : {}) : undefined,
  });
};
