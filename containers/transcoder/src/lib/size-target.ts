/**
 * The arithmetic of compressing to a file size: which video bit rate makes a file of `duration` seconds
 * land inside 90–100 % of a target once audio and the mp4 index are added, the smallest target that is
 * possible at all, and the correction after a measured attempt. Pure; ops/compress.ts runs the encodes.
 */
import type { CompressQuality } from "../../../../protocol/transcoder.ts";

export type QualitySettings = { audioBitrate: number; preset: string };

/** Quality buys audio bit rate and encoder effort; the file size is the target either way. */
export const QUALITY_SETTINGS: Readonly<Record<CompressQuality, QualitySettings>> = {
  low: { audioBitrate: 64_000, preset: "veryfast" },
  medium: { audioBitrate: 96_000, preset: "fast" },
  high: { audioBitrate: 128_000, preset: "medium" },
};

/** Below this a video is mush at any size: such targets are refused, not attempted. */
export const MIN_VIDEO_BITRATE = 100_000;
/**
 * Where the plan aims, as a share of the target: two-pass x264 lands within a few per cent of its bit
 * rate, so aiming at the middle of the accepted 90–100 % band leaves room on both sides.
 */
export const AIM = 0.95;
export const ACCEPTED = { min: 0.9, max: 1 } as const;

/** AAC frames per second at 48 kHz (1024 samples each). */
const AAC_FRAMES_PER_SECOND = 48_000 / 1024;

/**
 * The mp4's own bytes: ftyp/moov headers plus about 12 bytes of index per video sample (size, timing,
 * composition offset, sync table) and 8 per audio frame.
 */
export const containerOverheadBytes = (durationSeconds: number, frameRate: number, hasAudio: boolean): number =>
  Math.ceil(4096 + durationSeconds * (frameRate * 12 + (hasAudio ? AAC_FRAMES_PER_SECOND * 8 : 0)));

export type SizePlan =
  | { ok: true; videoBitrate: number; audioBitrate: number; preset: string }
  | { ok: false; minimumBytes: number };

export type SizeInput = { targetBytes: number; durationSeconds: number; frameRate: number; hasAudio: boolean; quality: CompressQuality };

export const planForSize = (input: SizeInput): SizePlan => {
  const settings = QUALITY_SETTINGS[input.quality];
  const audioBitrate = input.hasAudio ? settings.audioBitrate : 0;
  const overhead = containerOverheadBytes(input.durationSeconds, input.frameRate, input.hasAudio);
  const videoBitrate = Math.floor(((input.targetBytes * AIM - overhead) * 8) / input.durationSeconds - audioBitrate);
  if (videoBitrate < MIN_VIDEO_BITRATE) {
    const minimumBytes = Math.ceil((((MIN_VIDEO_BITRATE + audioBitrate) * input.durationSeconds) / 8 + overhead) / AIM);
    return { ok: false, minimumBytes };
  }
  return { ok: true, videoBitrate, audioBitrate, preset: settings.preset };
};

/** Megabytes (10^6 bytes, the seed's `target_size_mb`), rounded up to 0.01 so that asking for it succeeds. */
export const megabytesUp = (bytes: number): string => (Math.ceil(bytes / 10_000) / 100).toFixed(2);

/**
 * The video bit rate for a second attempt, from what the first one measured: everything that is not
 * video (audio, index) is taken as it came out, and the bit rate asked of x264 is scaled by how far its
 * video bytes fell from the bytes the rest of the aimed size leaves (x264 misses by a similar factor
 * again, so asking for the wanted rate itself would repeat the miss).
 */
export const correctedVideoBitrate = (m: { targetBytes: number; fileBytes: number; videoBytes: number; videoBitrate: number }): number => {
  const wantedVideoBytes = m.targetBytes * AIM - (m.fileBytes - m.videoBytes);
  return Math.floor(m.videoBitrate * (wantedVideoBytes / m.videoBytes));
};
