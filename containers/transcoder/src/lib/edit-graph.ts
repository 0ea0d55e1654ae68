/**
 * An edit script (protocol/edit-script.ts) as one ffmpeg filtergraph. Pure: the operation writes the
 * overlay text files and runs ffmpeg; everything here is arithmetic and text, unit-testable.
 *
 *   [0:v] split → per segment: trim → crop → scale → drawtext → setpts (speed) → fps → fade ─┐
 *   [0:a] asplit → per segment: atrim → atempo chain (speed) → afade → aformat ───────────────┤
 *                                                               concat (v, a) → loudnorm → out
 *
 * Output size: `9:16` crops the centre of the picture to 9:16 and scales it to at most OUTPUT_MAX_SIDE
 * tall; `source` keeps the aspect with the long side at most OUTPUT_MAX_SIDE. Neither ever upscales (the
 * height is at most the cropped source's), `output.width` / `output.height` cap the size further, and
 * both sides are rounded down to even pixels (H.264 4:2:0), so 9:16 holds to within that rounding.
 */
import path from "node:path";
import { type EditScript, OUTPUT_MAX_SIDE, TARGET_LOUDNESS_LUFS } from "../../../../protocol/edit-script.ts";
import { filterValue } from "./filter-escape.ts";

/** Debian's fonts-dejavu-core; the container image installs it (drawtext needs a font file). */
export const OVERLAY_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
/** Output frame rates above this are capped (a 2× segment of 60 fps footage would otherwise be 120). */
const MAX_FRAME_RATE = 60;
const AUDIO_RATE = 48_000;

export type EditSource = { width: number; height: number; frameRate: number; hasAudio: boolean };

export type FrameSize = { cropWidth: number; cropHeight: number; width: number; height: number };

const evenFloor = (value: number): number => Math.max(2, Math.floor(value / 2) * 2);

export const outputFrameSize = (output: EditScript["output"], source: Pick<EditSource, "width" | "height">): FrameSize => {
  const { width: w, height: h } = source;
  const widthCap = output.width ?? Number.POSITIVE_INFINITY;
  const heightCap = output.height ?? Number.POSITIVE_INFINITY;
  if (output.aspect === "9:16") {
    const portrait = w * 16 <= h * 9;
    const cropWidth = evenFloor(portrait ? w : (h * 9) / 16);
    const cropHeight = evenFloor(portrait ? (w * 16) / 9 : h);
    const height = evenFloor(Math.min(cropHeight, OUTPUT_MAX_SIDE, heightCap, (widthCap * 16) / 9));
    const width = Math.min(cropWidth, evenFloor((height * 9) / 16 + 1));
    return { cropWidth, cropHeight, width, height };
  }
  const scale = Math.min(1, OUTPUT_MAX_SIDE / Math.max(w, h), widthCap / w, heightCap / h);
  return { cropWidth: evenFloor(w), cropHeight: evenFloor(h), width: evenFloor(w * scale), height: evenFloor(h * scale) };
};

/** atempo takes 0.5–2 per instance: larger or smaller factors are a chain whose product is the speed. */
export const atempoChain = (speed: number): number[] => {
  const chain: number[] = [];
  let rest = speed;
  while (rest > 2) {
    chain.push(2);
    rest /= 2;
  }
  while (rest < 0.5) {
    chain.push(0.5);
    rest /= 0.5;
  }
  if (Math.abs(rest - 1) > 1e-9 || chain.length === 0) chain.push(rest);
  return chain;
};

/** Greedy word wrap to `maxChars` per line; a word longer than a line is split. */
export const wrapText = (text: string, maxChars: number): string => {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let rest = word; rest; ) {
      const room = line ? maxChars - line.length - 1 : maxChars;
      if (rest.length <= room) {
        line = line ? `${line} ${rest}` : rest;
        rest = "";
      } else if (line) {
        lines.push(line);
        line = "";
      } else {
        lines.push(rest.slice(0, maxChars));
        rest = rest.slice(maxChars);
      }
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
};

export type OverlayText = { file: string; content: string };

export type EditGraph = {
  filterComplex: string;
  /** `-map` targets: the video pad, and the audio pad when the edit has sound. */
  videoPad: string;
  audioPad: string | undefined;
  size: FrameSize;
  frameRate: number;
  /** Sum of the segments' rendered lengths. */
  durationSeconds: number;
  /** Files drawtext reads (`textfile=`), to be written before ffmpeg starts. */
  texts: OverlayText[];
};

const t = (seconds: number): string => seconds.toFixed(6);

/**
 * `textDir` is where the overlay texts are written: drawtext reads them with `textfile=` and
 * `expansion=none`, so no character of the text is ever interpreted by a filtergraph parser.
 */
export const editGraph = (script: EditScript, source: EditSource, opts: { textDir: string; fontFile?: string }): EditGraph => {
  const size = outputFrameSize(script.output, source);
  const frameRate = Math.min(MAX_FRAME_RATE, Math.round(source.frameRate * 1000) / 1000);
  const withAudio = source.hasAudio && !script.audio.mute;
  const n = script.segments.length;
  const fontSize = Math.max(12, Math.round(Math.min(size.width, size.height) / 14));
  // DejaVu Sans averages about 0.55 em per character; 90 % of the width is used.
  const charsPerLine = Math.max(8, Math.floor((size.width * 0.9) / (fontSize * 0.55)));
  const fontFile = filterValue(opts.fontFile ?? OVERLAY_FONT_FILE);

  const chains: string[] = [];
  chains.push(`[0:v:0]split=${n}${script.segments.map((_, i) => `[vs${i}]`).join("")}`);
  if (withAudio) chains.push(`[0:a:0]asplit=${n}${script.segments.map((_, i) => `[as${i}]`).join("")}`);
  const texts: OverlayText[] = [];
  let durationSeconds = 0;

  script.segments.forEach((segment, i) => {
    const length = segment.end - segment.start;
    const rendered = length / segment.speed;
    durationSeconds += rendered;
    const video = [
      `trim=start=${t(segment.start)}:end=${t(segment.end)}`,
      "setpts=PTS-STARTPTS",
      `crop=${size.cropWidth}:${size.cropHeight}`,
      `scale=${size.width}:${size.height}`,
      "setsar=1",
    ];
    if (segment.text) {
      const file = path.join(opts.textDir, `text-${i}.txt`);
      texts.push({ file, content: wrapText(segment.text.content, charsPerLine) });
      const y = { top: "h*0.06", center: "(h-text_h)/2", bottom: "h*0.94-text_h" }[segment.text.position];
      const from = segment.text.start ?? 0;
      const to = Math.min(segment.text.end ?? length, length);
      video.push(
        `drawtext=fontfile=${fontFile}:textfile=${filterValue(file)}:expansion=none:fontsize=${fontSize}:fontcolor=white` +
          `:line_spacing=${Math.round(fontSize / 4)}:box=1:boxcolor=black@0.55:boxborderw=${Math.round(fontSize / 3)}` +
          `:x=(w-text_w)/2:y=${y}:enable='between(t,${t(from)},${t(to)})'`,
      );
    }
    if (segment.speed !== 1) video.push(`setpts=PTS/${segment.speed}`);
    video.push(`fps=${frameRate}`);
    if (segment.fadeIn) video.push(`fade=t=in:st=0:d=${t(segment.fadeIn)}`);
    if (segment.fadeOut) video.push(`fade=t=out:st=${t(Math.max(0, rendered - segment.fadeOut))}:d=${t(segment.fadeOut)}`);
    video.push("format=yuv420p");
    chains.push(`[vs${i}]${video.join(",")}[v${i}]`);

    if (withAudio) {
      const audio = [`atrim=start=${t(segment.start)}:end=${t(segment.end)}`, "asetpts=PTS-STARTPTS"];
      if (segment.speed !== 1) audio.push(...atempoChain(segment.speed).map((f) => `atempo=${f}`));
      if (segment.fadeIn) audio.push(`afade=t=in:st=0:d=${t(segment.fadeIn)}`);
      if (segment.fadeOut) audio.push(`afade=t=out:st=${t(Math.max(0, rendered - segment.fadeOut))}:d=${t(segment.fadeOut)}`);
      audio.push(`aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo`);
      chains.push(`[as${i}]${audio.join(",")}[a${i}]`);
    }
  });

  const inputs = script.segments.map((_, i) => (withAudio ? `[v${i}][a${i}]` : `[v${i}]`)).join("");
  chains.push(`${inputs}concat=n=${n}:v=1:a=${withAudio ? 1 : 0}[vout]${withAudio ? "[acat]" : ""}`);
  if (withAudio) {
    // loudnorm works at 192 kHz internally; resample back to the delivery rate, and name the layout again:
    // ffmpeg 5.1 cannot negotiate a channel layout between aresample and the encoder otherwise (it fails
    // with "Cannot select channel layout" whenever no atempo sits before loudnorm).
    const level = script.audio.normalize
      ? `loudnorm=I=${TARGET_LOUDNESS_LUFS}:TP=-1.5:LRA=11,aresample=${AUDIO_RATE},aformat=sample_fmts=fltp:sample_rates=${AUDIO_RATE}:channel_layouts=stereo`
      : "anull";
    chains.push(`[acat]${level}[aout]`);
  }
  return { filterComplex: chains.join(";"), videoPad: "[vout]", audioPad: withAudio ? "[aout]" : undefined, size, frameRate, durationSeconds, texts };
};
