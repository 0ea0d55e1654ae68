/**
 * The `analyze` operation's single ffmpeg pass, as arguments and as parsers of what it writes. One
 * decode of the source feeds every detector: the video is split into a scene detector
 * (`select='gt(scene,…)'`) and a sampler that writes the evenly spaced JPEG frames; the audio runs
 * through `silencedetect` and `ebur128`. Detectors hand their findings to `metadata` / `ametadata`
 * printers that write plain files in the work dir, so nothing depends on ffmpeg's log format or level.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Loudness } from "../../../../protocol/media-analysis.ts";
import { filterValue } from "./filter-escape.ts";
import { FORMAT_WHITELIST } from "./ffprobe.ts";

/** ffmpeg's scene score above which a frame starts a new scene (0–1; hard cuts score well above). */
export const SCENE_THRESHOLD = 0.3;
/** Quieter than this counts as silence. */
export const SILENCE_NOISE_DB = -50;
/** Silences shorter than this are not reported. */
export const SILENCE_MIN_SECONDS = 0.5;
/** Frames are at most this wide (they are for people and captioning models, not for rendering). */
export const FRAME_MAX_WIDTH = 720;

export const SCENES_FILE = "scenes.txt";
export const SILENCES_FILE = "silences.txt";
export const LOUDNESS_FILE = "loudness.txt";
export const frameName = (index: number): string => `frame-${String(index).padStart(3, "0")}.jpg`;

export type AnalysisPlan = {
  args: string[];
  /** Source time of frame i (the pattern's i-th file), seconds. */
  frameTimes: number[];
};

/**
 * Frame i is taken at (i + ½) · duration / n: evenly spaced, none at the very first or last frame (often
 * black or a fade).
 */
export const analysisPlan = (opts: { input: string; dir: string; durationSeconds: number; numFrames: number; hasAudio: boolean }): AnalysisPlan => {
  const { durationSeconds: d, numFrames: n } = opts;
  const step = d / n;
  const first = step / 2;
  const out = (name: string) => filterValue(path.join(opts.dir, name));
  const video = [
    "[0:v]split=2[scan][sample]",
    `[scan]select='gt(scene,${SCENE_THRESHOLD})',metadata=mode=print:file=${out(SCENES_FILE)},nullsink`,
    // The first frame at or after each frame time in turn (`selected_n` counts the frames taken so far).
    `[sample]select='gte(t,${first.toFixed(6)}+selected_n*${step.toFixed(6)})',scale=w='min(${FRAME_MAX_WIDTH},iw)':h=-2[frames]`,
  ];
  const audio = opts.hasAudio
    ? [
        `[0:a:0]silencedetect=noise=${SILENCE_NOISE_DB}dB:duration=${SILENCE_MIN_SECONDS},ametadata=mode=print:file=${out(SILENCES_FILE)},` +
          `ebur128=peak=true:metadata=1,ametadata=mode=print:file=${out(LOUDNESS_FILE)},anullsink`,
      ]
    : [];
  return {
    args: [
      "-protocol_whitelist", "file",
      "-format_whitelist", FORMAT_WHITELIST,
      "-i", `file:${opts.input}`,
      "-filter_complex", [...video, ...audio].join(";"),
      "-map", "[frames]",
      "-frames:v", String(n),
      "-fps_mode", "vfr",
      "-q:v", "3",
      "-start_number", "0",
      "-f", "image2",
      `file:${path.join(opts.dir, "frame-%03d.jpg")}`,
    ],
    frameTimes: Array.from({ length: n }, (_, i) => round3(first + i * step)),
  };
};

/** What a peak of 0 is reported as (JSON has no −∞): below any 24-bit signal. */
const DIGITAL_SILENCE_DB = -144;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** A metadata printer's file as blocks: `frame:N pts:P pts_time:T` followed by `key=value` lines. */
type MetadataBlock = { time: number; values: Map<string, string> };

export const parseMetadataPrint = (text: string): MetadataBlock[] => {
  const blocks: MetadataBlock[] = [];
  for (const line of text.split("\n")) {
    const head = /^frame:\d+\s+pts:\S+\s+pts_time:(\S+)/.exec(line);
    if (head) {
      blocks.push({ time: Number(head[1]), values: new Map() });
      continue;
    }
    const eq = line.indexOf("=");
    if (eq > 0) blocks.at(-1)?.values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return blocks;
};

const readIfPresent = (file: string): Promise<string> => readFile(file, "utf8").catch(() => "");

const finite = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
};

export const readScenes = async (dir: string): Promise<Array<{ time: number; score: number }>> =>
  parseMetadataPrint(await readIfPresent(path.join(dir, SCENES_FILE))).flatMap((b) => {
    const score = finite(b.values.get("lavfi.scene_score"));
    return score === undefined || !Number.isFinite(b.time) ? [] : [{ time: round3(b.time), score: Math.min(1, Math.max(0, round3(score))) }];
  });

/** A silence still open when the audio ends lasts to `durationSeconds`. */
export const readSilences = async (dir: string, durationSeconds: number): Promise<Array<{ start: number; end: number }>> => {
  const silences: Array<{ start: number; end: number }> = [];
  let open: number | undefined;
  for (const block of parseMetadataPrint(await readIfPresent(path.join(dir, SILENCES_FILE)))) {
    const start = finite(block.values.get("lavfi.silence_start"));
    const end = finite(block.values.get("lavfi.silence_end"));
    if (start !== undefined) open = Math.max(0, start);
    if (end !== undefined && open !== undefined) {
      silences.push({ start: round3(open), end: round3(Math.min(end, durationSeconds)) });
      open = undefined;
    }
  }
  if (open !== undefined && durationSeconds - open >= SILENCE_MIN_SECONDS) silences.push({ start: round3(open), end: round3(durationSeconds) });
  return silences;
};

/**
 * ebur128 reports running figures every 100 ms: the last block holds the integrated loudness and range
 * of the whole track; the true peak is the highest of any block (linear, turned into dBTP). Absent when
 * the track was too short or too quiet to gate (integrated −70 LUFS or below).
 */
export const readLoudness = async (dir: string): Promise<Loudness | undefined> => {
  const blocks = parseMetadataPrint(await readIfPresent(path.join(dir, LOUDNESS_FILE)));
  const last = blocks.at(-1);
  const integrated = finite(last?.values.get("lavfi.r128.I"));
  const range = finite(last?.values.get("lavfi.r128.LRA"));
  if (integrated === undefined || range === undefined || integrated <= -70) return undefined;
  let peak = 0;
  for (const block of blocks) peak = Math.max(peak, finite(block.values.get("lavfi.r128.true_peak")) ?? 0);
  return {
    integrated: Math.round(integrated * 10) / 10,
    range: Math.max(0, Math.round(range * 10) / 10),
    truePeak: peak > 0 ? Math.round(20 * Math.log10(peak) * 10) / 10 : DIGITAL_SILENCE_DB,
  };
};
