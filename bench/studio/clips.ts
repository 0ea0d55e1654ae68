/**
 * Source videos of the studio benchmarks, made by ffmpeg from lavfi on first use and cached in the temp
 * dir (written under a temporary name and renamed into place, so an interrupted run never leaves half a
 * clip behind). Bump RECIPE_VERSION when a recipe changes.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { CompressQuality } from "../../protocol/transcoder.ts";

const RECIPE_VERSION = 1;
const run = promisify(execFile);

export const benchClipDir = (): string => path.join(os.tmpdir(), `studio-bench-clips-v${RECIPE_VERSION}`);

const lavfi = (graph: string) => ["-f", "lavfi", "-i", graph];
const tone = (hz: number, seconds: number) => lavfi(`sine=frequency=${hz}:sample_rate=48000:duration=${seconds}`);
const noise = (size: string, rate: number) => lavfi(`nullsrc=size=${size}:rate=${rate},geq=lum='random(1)*255':cb=128:cr=128`);
const H264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-g", "60"];
const AAC = ["-c:a", "aac", "-b:a", "128k"];
const FASTSTART = ["-movflags", "+faststart"];

/**
 * 60 s of 1280x720 at 30 fps, what a phone's landscape clip looks like to the studio: testsrc2 for 30 s,
 * then testsrc (a hard cut at 30.0 s); a 440 Hz tone to 40 s, 1.5 s of digital silence, a 660 Hz tone to
 * the end. scriptFromAnalysis turns it into segments split at the cut with the silence trimmed, cropped
 * to 9:16 (landscape), with fades.
 */
export const EDIT_SOURCE = {
  name: "edit-60s-720p.mp4",
  cutSeconds: 30,
  silence: { start: 40, end: 41.5 },
  args: [
    ...lavfi("testsrc2=size=1280x720:rate=30:duration=30"),
    ...lavfi("testsrc=size=1280x720:rate=30:duration=30"),
    ...tone(440, 40),
    ...lavfi("anullsrc=r=48000:cl=stereo:d=1.5"),
    ...tone(660, 18.5),
    "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0[v];[2:a][3:a][4:a]concat=n=3:v=0:a=1[a]",
    "-map", "[v]", "-map", "[a]", ...H264, ...AAC, "-ac", "2", ...FASTSTART,
  ],
} as const;

/**
 * EDIT_SOURCE with its sound raised to about −14 LUFS (the edit script's target), so scriptFromAnalysis
 * leaves loudness normalisation off: the process benchmark's fallback while the edit operation fails on
 * loudnorm graphs.
 */
export const EDIT_SOURCE_LOUD = {
  ...EDIT_SOURCE,
  name: "edit-60s-720p-loud.mp4",
  args: EDIT_SOURCE.args.map((arg) => arg.replace("concat=n=3:v=0:a=1[a]", "concat=n=3:v=0:a=1,volume=7.7dB[a]")),
} as const;

export type CompressClip = { name: string; what: string; seconds: number; args: string[]; targetBytes: number; quality: CompressQuality };

/** Six clips of different content (pattern, fractal, noise), sizes, lengths, sound and targets. */
export const COMPRESS_CLIPS: readonly CompressClip[] = [
  { name: "c-testsrc2-720p-tone-20s.mp4", what: "testsrc2 1280x720 + tone", seconds: 20, args: [...lavfi("testsrc2=size=1280x720:rate=30:duration=20"), ...tone(523, 20), ...H264, ...AAC, "-shortest"], targetBytes: 3_000_000, quality: "medium" },
  { name: "c-mandelbrot-360p-silent-12s.mp4", what: "mandelbrot 640x360, no audio", seconds: 12, args: [...lavfi("mandelbrot=size=640x360:rate=25"), "-t", "12", ...H264, "-an"], targetBytes: 1_000_000, quality: "low" },
  { name: "c-noise-270p-pink-10s.mp4", what: "noise 480x270 + pink noise", seconds: 10, args: [...noise("480x270", 25), ...lavfi("anoisesrc=color=pink:sample_rate=48000:amplitude=0.3"), "-t", "10", ...H264, ...AAC], targetBytes: 2_500_000, quality: "low" },
  { name: "c-testsrc2-360p-silent-45s.mp4", what: "testsrc2 640x360, no audio", seconds: 45, args: [...lavfi("testsrc2=size=640x360:rate=30:duration=45"), ...H264, "-an"], targetBytes: 2_000_000, quality: "high" },
  { name: "c-mandelbrot-480p-tone-20s.mp4", what: "mandelbrot 854x480 + tone", seconds: 20, args: [...lavfi("mandelbrot=size=854x480:rate=25"), ...tone(330, 20), "-t", "20", ...H264, ...AAC], targetBytes: 2_500_000, quality: "high" },
  { name: "c-noise-240p-tone-30s.mp4", what: "noise 320x240 + tone", seconds: 30, args: [...noise("320x240", 25), ...tone(440, 30), "-t", "30", ...H264, ...AAC], targetBytes: 3_000_000, quality: "medium" },
];

/** The clip's path in `dir`, generating it when it is not there yet. */
export const benchClip = async (name: string, args: readonly string[], dir = benchClipDir()): Promise<string> => {
  const file = path.join(dir, name);
  if (await stat(file).then((s) => s.size > 0, () => false)) return file;
  await mkdir(dir, { recursive: true });
  const partial = path.join(dir, `.${randomBytes(6).toString("hex")}-${name}`);
  try {
    await run(process.env.FFMPEG_PATH ?? "ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args, partial], { maxBuffer: 16 * 1024 * 1024 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  return file;
};
