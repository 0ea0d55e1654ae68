/**
 * The edit script of the auto-edit studio (seed 003): what `generate-script` answers, what `edit` takes
 * and what the transcoder's `edit` operation renders in one ffmpeg pass. Shared by the Worker (which
 * validates clients' scripts with it and serves its JSON Schema) and the transcoder; imports only zod
 * and the analysis shape, and does no I/O, so `scriptFromAnalysis` is a pure function of its inputs.
 *
 * Times are seconds of the source. A segment's text overlay times are relative to the segment's start
 * (source seconds, before any speed change); fades are seconds of the rendered segment (after speed).
 */
import { z } from "zod";
import type { AnalyzeResult } from "./media-analysis.ts";

export const EDIT_SCRIPT_VERSION = 1;
export const SPEED_MIN = 0.25;
export const SPEED_MAX = 4;
export const TEXT_MAX_CHARS = 200;
export const SEGMENTS_MAX = 100;
/** The loudness `audio.normalize` brings the edit to (EBU R128 integrated, LUFS): short-video platforms' level. */
export const TARGET_LOUDNESS_LUFS = -14;
/** Output frames are at most this tall (9:16) or this long on their long side (source aspect). */
export const OUTPUT_MAX_SIDE = 1920;

const seconds = z.number().finite().nonnegative();
const dimension = z.number().int().min(16).max(7680);

export const textOverlaySchema = z
  .object({
    content: z.string().trim().min(1).max(TEXT_MAX_CHARS),
    position: z.enum(["top", "center", "bottom"]).default("bottom"),
    /** Seconds after the segment's start; 0 when absent. */
    start: seconds.optional(),
    /** Seconds after the segment's start; the segment's end when absent. */
    end: seconds.optional(),
  })
  .meta({ description: "Text drawn over the segment (DejaVu Sans, white on a translucent box, wrapped to the frame)." });

export const segmentSchema = z
  .object({
    start: seconds,
    end: seconds,
    /** Playback speed: 2 plays the segment in half the time (audio pitch kept). */
    speed: z.number().min(SPEED_MIN).max(SPEED_MAX).default(1),
    text: textOverlaySchema.optional(),
    /** Fade from black (and from silence), seconds of the rendered segment. */
    fadeIn: seconds.optional(),
    /** Fade to black (and to silence), seconds of the rendered segment. */
    fadeOut: seconds.optional(),
  })
  .meta({ description: "A piece of the source kept in the edit, in source seconds; segments play one after another." });
export type EditSegment = z.infer<typeof segmentSchema>;

export const editOutputSchema = z
  .object({
    /**
     * `9:16`: the centre of the picture cropped to portrait 9:16. `source`: the source's aspect.
     * Never upscaled: the height is at most the (cropped) source's and OUTPUT_MAX_SIDE.
     */
    aspect: z.enum(["9:16", "source"]),
    /** Upper bound on the output width (the aspect is kept; sizes are rounded down to even pixels). */
    width: dimension.optional(),
    /** Upper bound on the output height. */
    height: dimension.optional(),
  })
  .meta({ description: "The output frame: aspect, and optional caps on its size." });

export const editScriptSchema = z
  .object({
    version: z.literal(EDIT_SCRIPT_VERSION),
    /** The source as analysed; the renderer checks the segments against the real file too. */
    source: z.object({
      durationSeconds: z.number().finite().positive(),
      width: dimension,
      height: dimension,
    }),
    output: editOutputSchema,
    segments: z.array(segmentSchema).min(1).max(SEGMENTS_MAX),
    audio: z.object({
      /** EBU R128 loudness normalisation of the whole edit to TARGET_LOUDNESS_LUFS. */
      normalize: z.boolean(),
      /** Leave the audio out entirely. */
      mute: z.boolean().optional(),
    }),
    title: z.string().trim().min(1).max(TEXT_MAX_CHARS).optional(),
    /** Frames of the source the script was made from (for people and models reading it). */
    frames: z.array(z.object({ time: seconds, url: z.string().url() })).max(60).optional(),
  })
  .superRefine((script, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const duration = script.source.durationSeconds;
    script.segments.forEach((segment, i) => {
      const at = `segments[${i}]`;
      if (segment.end <= segment.start) {
        issue(["segments", i, "end"], `${at}.end must be after start`);
        return;
      }
      if (segment.end > duration) issue(["segments", i, "end"], `${at}.end (${segment.end}) is past the end of the source (${duration} s)`);
      const previous = script.segments[i - 1];
      if (previous && segment.start < previous.end) {
        issue(["segments", i, "start"], `${at}.start (${segment.start}) must not be before segments[${i - 1}].end (${previous.end}): segments are ordered and do not overlap`);
      }
      const length = segment.end - segment.start;
      const rendered = length / segment.speed;
      if ((segment.fadeIn ?? 0) + (segment.fadeOut ?? 0) > rendered) {
        issue(["segments", i, "fadeIn"], `${at}.fadeIn + fadeOut (${(segment.fadeIn ?? 0) + (segment.fadeOut ?? 0)} s) is longer than the rendered segment (${round3(rendered)} s)`);
      }
      const text = segment.text;
      if (text) {
        const start = text.start ?? 0;
        const end = text.end ?? length;
        if (start >= length) issue(["segments", i, "text", "start"], `${at}.text.start (${start}) must be inside the segment (${round3(length)} s long)`);
        else if (end <= start) issue(["segments", i, "text", "end"], `${at}.text.end must be after text.start`);
      }
    });
  })
  .meta({ title: "Edit script", description: "Seed 003's edit script: what to keep of a source video and how to render it." });
export type EditScript = z.infer<typeof editScriptSchema>;
/** What a client may send: defaults (speed 1, text position bottom) may be left out. */
export type EditScriptInput = z.input<typeof editScriptSchema>;

/** The script's JSON Schema (draft 2020-12) as a client sends it; the cross-field rules are described, not encoded. */
export const editScriptJsonSchema = (): Record<string, unknown> => ({
  $id: "edit-script.json",
  ...z.toJSONSchema(editScriptSchema, { io: "input", target: "draft-2020-12" }),
  $comment:
    "Also checked: each segment's end is after its start and within source.durationSeconds; segments are ordered and do not overlap; fadeIn + fadeOut fit the rendered segment; a text overlay's end is after its start and it starts inside the segment.",
});

/** `segments[2].text.content`: a zod issue path written the way a script's author reads it. */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, key) => (typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), "");

/**
 * One sentence per problem, each naming its field (`segments[0].speed: Too big: expected number to be <=4`);
 * the rules above already name theirs. For 400 answers to clients.
 */
export const scriptProblems = (error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    const field = fieldPath(issue.path);
    if (!field || issue.message.startsWith(field)) return issue.message;
    return `${field}: ${issue.message}`;
  });

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** What the builder needs besides the analysis. */
export type ScriptOptions = {
  /** A caption of the video (e.g. from a vision model): the overlay's text, before `title`. */
  caption?: string;
  /** A title for the edit; the overlay's text when there is no caption. */
  title?: string;
  /** URLs of the analysis' frames, in the same order (signed links the caller made). */
  frameUrls?: readonly string[];
  /** Forces the output aspect; by default landscape sources become 9:16 and others keep theirs. */
  aspect?: "9:16" | "source";
};

/** Silences at least this long are cut out. */
export const TRIM_SILENCE_MIN_SECONDS = 0.7;
/** Kept at each side of a cut-out silence, so words are not clipped. */
const SILENCE_PAD_SECONDS = 0.1;
/** No segment shorter than this is made (a scene cut this close to an edge is not split at). */
const MIN_SEGMENT_SECONDS = 0.5;
/** Normalise when the integrated loudness is further than this from the target. */
const LOUDNESS_TOLERANCE_LU = 2;
const FADE_SECONDS = 0.5;
/** The caption or title shows over the first segment for at most this long. */
const OVERLAY_SECONDS = 4;

type Span = { start: number; end: number };

/** [0, duration] without the longest silences (at most `limit` cuts), padded at both sides. */
const spokenSpans = (analysis: AnalyzeResult, limit: number): Span[] => {
  const cuts = analysis.silences
    .map((s) => ({ start: Math.max(0, s.start + SILENCE_PAD_SECONDS), end: Math.min(analysis.durationSeconds, s.end - SILENCE_PAD_SECONDS), length: s.end - s.start }))
    .filter((s) => s.length >= TRIM_SILENCE_MIN_SECONDS && s.end > s.start)
    .sort((a, b) => b.length - a.length || a.start - b.start)
    .slice(0, limit)
    .sort((a, b) => a.start - b.start);
  const spans: Span[] = [];
  let from = 0;
  for (const cut of cuts) {
    if (cut.start < from) continue;
    spans.push({ start: from, end: cut.start });
    from = cut.end;
  }
  spans.push({ start: from, end: analysis.durationSeconds });
  return spans.filter((s) => s.end - s.start >= MIN_SEGMENT_SECONDS);
};

/** Splits spans at the strongest scene changes, while the total stays within SEGMENTS_MAX. */
const splitAtScenes = (spans: Span[], analysis: AnalyzeResult): Span[] => {
  const scenes = [...analysis.scenes].sort((a, b) => b.score - a.score || a.time - b.time);
  const result = [...spans];
  for (const scene of scenes) {
    if (result.length >= SEGMENTS_MAX) break;
    const index = result.findIndex((s) => scene.time - s.start >= MIN_SEGMENT_SECONDS && s.end - scene.time >= MIN_SEGMENT_SECONDS);
    if (index < 0) continue;
    const span = result[index]!;
    result.splice(index, 1, { start: span.start, end: scene.time }, { start: scene.time, end: span.end });
  }
  return result.sort((a, b) => a.start - b.start);
};

/**
 * A complete, deterministic edit script from an analysis: segments cut at scene changes, silences of
 * TRIM_SILENCE_MIN_SECONDS or more trimmed out, landscape sources cropped to 9:16, loudness normalised
 * when it is far from TARGET_LOUDNESS_LUFS, a fade in and out at the ends, and the caption (else the
 * title) over the first segment. The same inputs always give the same script.
 */
export const scriptFromAnalysis = (analysis: AnalyzeResult, opts: ScriptOptions = {}): EditScript => {
  const duration = analysis.durationSeconds;
  let spans = splitAtScenes(spokenSpans(analysis, SEGMENTS_MAX - 1), analysis);
  // Nothing but silence, or a clip shorter than a segment: keep it whole.
  if (spans.length === 0) spans = [{ start: 0, end: duration }];

  const segments: EditSegment[] = spans.map((s) => ({ start: round3(s.start), end: Math.min(duration, round3(s.end)), speed: 1 }));
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const fade = (segment: EditSegment) => round3(Math.min(FADE_SECONDS, (segment.end - segment.start) / 3));
  first.fadeIn = fade(first);
  last.fadeOut = fade(last);
  const overlay = (opts.caption ?? opts.title)?.trim().slice(0, TEXT_MAX_CHARS).trim();
  if (overlay) first.text = { content: overlay, position: "top", start: 0, end: round3(Math.min(OVERLAY_SECONDS, first.end - first.start)) };

  const landscape = analysis.width > analysis.height;
  const loudness = analysis.loudness;
  const title = opts.title?.trim().slice(0, TEXT_MAX_CHARS).trim();
  const urls = opts.frameUrls;
  const script: EditScript = {
    version: EDIT_SCRIPT_VERSION,
    source: { durationSeconds: duration, width: analysis.width, height: analysis.height },
    output: { aspect: opts.aspect ?? (landscape ? "9:16" : "source") },
    segments,
    audio: { normalize: loudness !== undefined && Math.abs(loudness.integrated - TARGET_LOUDNESS_LUFS) > LOUDNESS_TOLERANCE_LU },
    ...(title ? { title } : {}),
    ...(urls && urls.length > 0 ? { frames: analysis.frames.slice(0, urls.length).map((f, i) => ({ time: f.time, url: urls[i]! })) } : {}),
  };
  return script;
};
