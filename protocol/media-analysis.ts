/**
 * What the transcoder's `analyze` operation measures in a video: the facts an edit script is built from
 * (protocol/edit-script.ts `scriptFromAnalysis`). Shared by the Worker and the transcoder; imports only zod.
 */
import { z } from "zod";

/** Frames a caller may ask `analyze` for (seed 003's `num_frames`). */
export const ANALYZE_MAX_FRAMES = 60;

export const analyzedFrameSchema = z.object({
  /** The uploaded JPEG's output name: `frame-000.jpg`, `frame-001.jpg`, … */
  name: z.string().regex(/^frame-\d{3}\.jpg$/),
  /** Source time of the frame, seconds. */
  time: z.number().nonnegative(),
});

export const sceneChangeSchema = z.object({
  /** Source time of the first frame of the new scene, seconds. */
  time: z.number().nonnegative(),
  /** ffmpeg's scene score of that frame, 0–1 (how different it is from the frame before). */
  score: z.number().min(0).max(1),
});

export const silenceSchema = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
});

/** EBU R128 (ffmpeg's ebur128 filter) over the whole audio track. */
export const loudnessSchema = z.object({
  /** Integrated loudness, LUFS. */
  integrated: z.number(),
  /** Loudness range, LU. */
  range: z.number().nonnegative(),
  /** Highest true peak of any channel, dBTP. */
  truePeak: z.number(),
});
export type Loudness = z.infer<typeof loudnessSchema>;

export const analyzeResultSchema = z.object({
  durationSeconds: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frameRate: z.number().positive(),
  hasAudio: z.boolean(),
  /** Evenly spaced frames, in time order, as uploaded. */
  frames: z.array(analyzedFrameSchema).max(ANALYZE_MAX_FRAMES),
  /** Hard cuts, in time order. */
  scenes: z.array(sceneChangeSchema),
  /** Stretches quieter than the detector's threshold for at least its minimum length, in time order. */
  silences: z.array(silenceSchema),
  /** Absent when the video has no audio, or too little of it to measure. */
  loudness: loudnessSchema.optional(),
});
export type AnalyzeResult = z.infer<typeof analyzeResultSchema>;
