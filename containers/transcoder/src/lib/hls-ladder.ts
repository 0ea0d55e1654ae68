/**
 * The HLS ladder as a plan and as one ffmpeg command line (pure: the `hls` operation and the benchmark
 * build the same command from here).
 *
 * One process decodes the source once; the filter graph makes the frame rate constant, scales to the
 * top rung and scales each lower rung from the rung above it (cascade: a 480p → 240p scale reads a
 * quarter of the pixels a 720p → 240p one does). Every rung is encoded with the same fixed GOP of
 * segmentSeconds × fps frames and no scene-cut keyframes, so keyframes, and so segment boundaries,
 * fall at the same times in every rung and a player can switch rungs at any segment.
 *
 * Segments are MPEG-TS rather than fMP4: each TS segment is self-contained (no init segment that must
 * exist before the first segment is playable), which is what lets the Worker serve segments one by one
 * as they are uploaded while the ladder still runs; hls.js and Safari both play H.264/AAC in TS.
 */
import { HLS_RUNG_HEIGHTS, type ProbeResult } from "../../../../protocol/transcoder.ts";
import { FORMAT_WHITELIST } from "./ffprobe.ts";

export type Rung = {
  /** `720p`: the short side of the picture, so a portrait 720x1280 video's top rung is 720p too. */
  name: string;
  shortSide: number;
  /** Video bit rate ceiling (capped CRF): what keeps a rung's peak near what its resolution needs. */
  maxrateKbps: number;
  audioKbps: number;
};

export type LadderPlan = {
  rungs: Rung[];
  fps: number;
  segmentSeconds: number;
  /** Frames between keyframes: one segment. */
  gop: number;
  hasAudio: boolean;
  durationSeconds: number | undefined;
  posterSeconds: number;
};

const MAXRATE_KBPS: Readonly<Record<number, number>> = { 240: 400, 480: 1200, 720: 2800, 1080: 5000 };

const rungFor = (shortSide: number): Rung => ({
  name: `${shortSide}p`,
  shortSide,
  maxrateKbps: MAXRATE_KBPS[shortSide] ?? 300,
  audioKbps: shortSide <= 240 ? 64 : 128,
});

/** Standard rates a source is snapped to; anything faster is halved down to at most 60. */
const STANDARD_FPS = [24, 25, 30, 50, 60];

/**
 * The constant output rate for a source whose average rate (possibly variable) was probed. Near a
 * standard rate it snaps to it; slow sources (slideshows) keep their rounded rate.
 */
export const outputFps = (probed: number | undefined): number => {
  if (probed === undefined || !Number.isFinite(probed) || probed <= 0) return 30;
  if (probed > 60) return 60;
  if (probed < 20) return Math.max(1, Math.round(probed));
  return STANDARD_FPS.reduce((best, f) => (Math.abs(f - probed) < Math.abs(best - probed) ? f : best));
};

/** Rungs at or below the source's short side (never upscaling) and the caller's cap, tallest first. */
export const chooseRungs = (sourceShortSide: number, cap: number | undefined): Rung[] => {
  const limit = Math.min(sourceShortSide, cap ?? Number.POSITIVE_INFINITY);
  const fitting = HLS_RUNG_HEIGHTS.filter((h) => h <= limit).map(rungFor);
  if (fitting.length > 0) return fitting.reverse();
  // Smaller than the smallest rung (or than the cap): the source's own size, made even for 4:2:0.
  return [rungFor(Math.max(2, Math.floor(Math.min(sourceShortSide, limit) / 2) * 2))];
};

export const planLadder = (probe: ProbeResult, opts: { segmentSeconds: number; cap?: number | undefined }): LadderPlan | undefined => {
  const video = probe.streams.find((s) => s.type === "video");
  if (!video?.width || !video.height) return undefined;
  const fps = outputFps(video.frameRate);
  const duration = probe.durationSeconds ?? video.durationSeconds;
  return {
    rungs: chooseRungs(Math.min(video.width, video.height), opts.cap),
    fps,
    segmentSeconds: opts.segmentSeconds,
    gop: opts.segmentSeconds * fps,
    hasAudio: probe.streams.some((s) => s.type === "audio"),
    durationSeconds: duration,
    // A frame from the first seconds, but inside even a very short clip.
    posterSeconds: duration === undefined ? 0 : Math.min(1, duration / 3),
  };
};

/**
 * Bilinear rather than swscale's default bicubic: every scale here is a downscale, for which swscale's
 * bilinear widens its taps with the ratio, and it costs about a third less CPU (measured on the cascade
 * of the benchmark clip) on the filter thread, which in ffmpeg 5.1 is the one thread feeding every encoder.
 */
const DOWNSCALE_FLAGS = "bilinear";

/**
 * Scales so that the short side is `shortSide` whatever the orientation, the long side following the
 * aspect ratio rounded to an even number. Decided on the decoded (rotated) frame, so a phone video
 * stored as 1920x1080 with a rotation flag still gets a portrait ladder.
 */
const scaleTo = (shortSide: number): string =>
  `scale=w='if(gte(iw,ih),-2,${shortSide})':h='if(gte(iw,ih),${shortSide},-2)':flags=${DOWNSCALE_FLAGS}`;

export const segmentPattern = (rung: Rung): string => `${rung.name}_%05d.ts`;
/** ffmpeg's own (growing) playlist per rung: watched to know which segments are complete, never uploaded. */
export const ffmpegPlaylistName = (rung: Rung): string => `${rung.name}.ffmpeg.m3u8`;
export const POSTER_NAME = "poster.jpg";

/**
 * The poster branch lets one frame through and then ends. Without the trims every frame of the top rung
 * reached the poster output, to be thrown away after the first, and ffmpeg converted each of them to the
 * JPEG encoder's full-range pixel format first (a swscale pass per frame at the top rung's size: about
 * 4 CPU seconds per 120 s of 720p, on the filter thread). The trims drop them before that conversion.
 */
const posterBranch = (plan: LadderPlan): string => `[p]trim=start=${plan.posterSeconds},trim=end_frame=1[poster]`;

/** The filter graph: constant rate once, then the cascade; outputs `[v<i>]` per rung and (unless left out) `[poster]`. */
export const ladderFilter = (plan: LadderPlan, { poster }: { poster: boolean } = { poster: true }): string => {
  const parts: string[] = [];
  const n = plan.rungs.length;
  let input = "[0:v:0]";
  plan.rungs.forEach((rung, i) => {
    const last = i === n - 1;
    const head = i === 0 ? `fps=${plan.fps},${scaleTo(rung.shortSide)},format=yuv420p` : scaleTo(rung.shortSide);
    const outs = [`[v${i}]`, ...(i === 0 && poster ? ["[p]"] : []), ...(last ? [] : [`[c${i}]`])];
    parts.push(`${input}${head},split=${outs.length}${outs.join("")}`);
    input = `[c${i}]`;
  });
  return [...parts, ...(poster ? [posterBranch(plan)] : [])].join(";");
};

export type LadderPaths = { input: string; outDir: string };

export type LadderOptions = {
  /** Without it the graph has no `[poster]` output and no JPEG is written (the benchmark's per-rung baseline). */
  poster?: boolean;
};

const rungOutputArgs = (plan: LadderPlan, rung: Rung, i: number, outDir: string): string[] => [
  "-map",
  `[v${i}]`,
  ...(plan.hasAudio ? ["-map", "0:a:0"] : []),
  "-c:v",
  "libx264",
  "-preset",
  "veryfast",
  // High profile: every hls.js browser (MSE) and Safari decode it; x264 picks the lowest level that fits.
  "-profile:v",
  "high",
  "-pix_fmt",
  "yuv420p",
  "-crf",
  "23",
  "-maxrate",
  `${rung.maxrateKbps}k`,
  "-bufsize",
  `${rung.maxrateKbps * 2}k`,
  "-g",
  String(plan.gop),
  "-keyint_min",
  String(plan.gop),
  "-sc_threshold",
  "0",
  ...(plan.hasAudio ? ["-c:a", "aac", "-b:a", `${rung.audioKbps}k`, "-ac", "2", "-ar", "48000"] : ["-an"]),
  "-f",
  "hls",
  "-hls_time",
  String(plan.segmentSeconds),
  // EVENT: ffmpeg rewrites the playlist after every segment, which is how completed segments are seen.
  "-hls_playlist_type",
  "event",
  "-hls_list_size",
  "0",
  "-hls_segment_type",
  "mpegts",
  // temp_file: a segment carries its final name only once complete, and playlists are replaced atomically.
  "-hls_flags",
  "independent_segments+temp_file",
  "-hls_segment_filename",
  `${outDir}/${segmentPattern(rung)}`,
  `${outDir}/${ffmpegPlaylistName(rung)}`,
];

/** The whole ladder (every rung and the poster) as ffmpeg arguments for one process. */
export const ladderArgs = (plan: LadderPlan, paths: LadderPaths, options: LadderOptions = {}): string[] => {
  const poster = options.poster ?? true;
  return [
    "-protocol_whitelist",
    "file",
    "-format_whitelist",
    FORMAT_WHITELIST,
    "-i",
    `file:${paths.input}`,
    "-filter_complex",
    ladderFilter(plan, { poster }),
    ...(poster ? ["-map", "[poster]", "-frames:v", "1", "-q:v", "3", `file:${paths.outDir}/${POSTER_NAME}`] : []),
    ...plan.rungs.flatMap((rung, i) => rungOutputArgs(plan, rung, i, paths.outDir)),
  ];
};
