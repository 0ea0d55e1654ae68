/**
 * The studio's media steps as command lines a person would run, with the arguments the transcoder's
 * operations use: ffprobe, the analyze operation's one ffmpeg pass (lib/analysis-pass.ts), and the edit
 * operation's render. ops/edit.ts builds its render arguments inline, so `editArgs` repeats them here —
 * keep the two in step (the edit benchmark prints both outputs' sizes and durations, which drift apart
 * if they do not).
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { EditScript } from "../../protocol/edit-script.ts";
import type { AnalyzeResult } from "../../protocol/media-analysis.ts";
import { analysisPlan, frameName, readLoudness, readScenes, readSilences } from "../../containers/transcoder/src/lib/analysis-pass.ts";
import { editGraph, type EditSource } from "../../containers/transcoder/src/lib/edit-graph.ts";
import { FORMAT_WHITELIST, ffprobe } from "../../containers/transcoder/src/lib/ffprobe.ts";

const run = promisify(execFile);

/** ffmpeg as a shell user runs it; the transcoder adds only `-progress pipe:1` and `-nostats` to this. */
export const ffmpeg = async (args: string[]): Promise<void> => {
  await run(process.env.FFMPEG_PATH ?? "ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], { maxBuffer: 16 * 1024 * 1024 });
};

export type ProbedSource = EditSource & { durationSeconds: number };

/** What the operations read from ffprobe before they start (lib/source-file.ts fetchSourceVideo). */
export const probeSource = async (file: string): Promise<ProbedSource> => {
  const probed = await ffprobe({ kind: "file", path: file }, { ffprobePath: process.env.FFPROBE_PATH ?? "ffprobe", signal: new AbortController().signal, timeoutMs: 60_000 });
  if (!probed.ok) throw new Error(`ffprobe ${file}: ${probed.error.message}`);
  const video = probed.value.streams.find((s) => s.type === "video");
  const durationSeconds = probed.value.durationSeconds ?? video?.durationSeconds;
  if (!video?.width || !video.height || !durationSeconds) throw new Error(`${file} has no readable video stream`);
  return {
    width: video.width,
    height: video.height,
    frameRate: video.frameRate && video.frameRate > 0 ? video.frameRate : 30,
    hasAudio: probed.value.streams.some((s) => s.type === "audio"),
    durationSeconds,
  };
};

/** The analyze operation's pass into `dir` (frames, scene / silence / loudness prints), read back as its result. */
export const analyseByHand = async (input: string, source: ProbedSource, dir: string, numFrames: number): Promise<AnalyzeResult> => {
  await mkdir(dir, { recursive: true });
  const plan = analysisPlan({ input, dir, durationSeconds: source.durationSeconds, numFrames, hasAudio: source.hasAudio });
  await ffmpeg(plan.args);
  const loudness = source.hasAudio ? await readLoudness(dir) : undefined;
  return {
    durationSeconds: source.durationSeconds,
    width: source.width,
    height: source.height,
    frameRate: source.frameRate,
    hasAudio: source.hasAudio,
    frames: plan.frameTimes.map((time, i) => ({ name: frameName(i), time })),
    scenes: await readScenes(dir),
    silences: source.hasAudio ? await readSilences(dir, source.durationSeconds) : [],
    ...(loudness ? { loudness } : {}),
  };
};

/** ops/edit.ts's ffmpeg arguments for `script` on `input`; the overlay texts are written into `textDir` first. */
export const editArgs = async (script: EditScript, source: EditSource, input: string, output: string, textDir: string): Promise<string[]> => {
  await mkdir(textDir, { recursive: true });
  const graph = editGraph(script, source, { textDir });
  for (const text of graph.texts) await writeFile(text.file, text.content);
  return [
    "-protocol_whitelist", "file",
    "-format_whitelist", FORMAT_WHITELIST,
    "-i", `file:${input}`,
    "-filter_complex", graph.filterComplex,
    "-map", graph.videoPad,
    ...(graph.audioPad ? ["-map", graph.audioPad, "-c:a", "aac", "-b:a", "128k"] : ["-an"]),
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-pix_fmt", "yuv420p",
    "-movflags", "+faststart",
    "-f", "mp4",
    `file:${path.resolve(output)}`,
  ];
};
