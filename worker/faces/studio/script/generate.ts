/**
 * `POST /api/v1/generate-script` without HTTP: the caller's video analysed once per (file, num_frames) by
 * the `studio.analyze` task, its frames named in the studio namespace (`<video stem>-frame-01-of-10.jpg`,
 * served by GET /api/v1/video/{filename}), optional Workers AI captions and title, and the edit script from
 * `scriptFromAnalysis`. The process task builds its script with `buildStudioScript` too.
 */
import { scriptFromAnalysis, type EditScript } from "../../../../protocol/edit-script";
import type { FileRow } from "../../../db/schema";
import { getConfig } from "../../../env";
import { captionImage, suggestTitle, workersAiFromEnv, type WorkersAiConfig } from "../../../integrations/workers-ai";
import { nameStudioFile, resolveStudioFile, type StudioCaller } from "../files";
import { runCachedTask } from "./cached-task";
import { analysisResultSchema, type AnalysisResult } from "./media-ops";
import { analyzeTaskKey, STUDIO_ANALYZE_KIND, type AnalyzePayload } from "./tasks";

export interface ScriptFrame {
  time: number;
  /** Absolute URL of the JPEG (GET /api/v1/video/{filename} under PUBLIC_BASE_URL). */
  url: string;
  /** Workers AI's description of the frame, when configured and it answered. */
  caption?: string;
}

export interface StudioScript {
  success: true;
  script: EditScript;
  analysis: {
    duration: number;
    width: number;
    height: number;
    scenes: { time: number; score: number }[];
    silences: { start: number; end: number }[];
    loudness: { integrated: number; range: number; truePeak: number } | null;
  };
  frames: ScriptFrame[];
}

/** Frames captioned at once: a 60-frame script must not open 60 connections to the API together. */
const CAPTION_CONCURRENCY = 4;

/** `tiktok-1.mp4`, frame 0 of 10 → `tiktok-1-frame-01-of-10.jpg` (the count keeps 10- and 20-frame analyses apart). */
export const frameName = (videoName: string, index: number, count: number): string => {
  const dot = videoName.lastIndexOf(".");
  const stem = dot > 0 ? videoName.slice(0, dot) : videoName;
  const suffix = `-frame-${String(index + 1).padStart(2, "0")}-of-${count}.jpg`;
  return `${stem.slice(0, 255 - suffix.length)}${suffix}`;
};

export async function generateScript(env: Env, req: { videoPath: string; numFrames: number; caller: StudioCaller }): Promise<StudioScript> {
  const input = await resolveStudioFile(env, req.videoPath, req.caller, "video_path");
  const payload: AnalyzePayload = { fileId: input.file.id, numFrames: req.numFrames };
  const { result, files } = await runCachedTask(env, {
    kind: STUDIO_ANALYZE_KIND,
    payload,
    idempotencyKey: analyzeTaskKey(payload),
    caller: req.caller,
    result: analysisResultSchema,
    fileIds: (r) => r.frames.map((f) => f.fileId),
    failures: {
      "input.invalid": [400, () => "The file is not a video that can be analysed"],
      "file.missing": [404, () => "File not found: it is no longer stored; download it again"],
    },
    what: "analysis",
  });
  // Frames belong to whoever owns the video, as compressions do: an anonymous download's frames are public.
  return buildStudioScript(env, input.name.publicName, result, files, input.name.ownerUserId);
}

/** Names the frames, asks Workers AI (when configured) and builds the script; the same inputs without AI give the same body. */
export async function buildStudioScript(
  env: Env,
  videoName: string,
  result: AnalysisResult,
  frameFiles: ReadonlyMap<string, FileRow>,
  owner: StudioCaller,
): Promise<StudioScript> {
  const base = getConfig(env).PUBLIC_BASE_URL.replace(/\/+$/, "");
  const urls: string[] = [];
  for (const [index, frame] of result.frames.entries()) {
    urls.push(base + (await nameStudioFile(env, frameName(videoName, index, result.frames.length), frame.fileId, owner)));
  }
  const ai = workersAiFromEnv(env);
  const { captions, title } = ai ? await describeFrames(env, ai, result.frames.map((f) => frameFiles.get(f.fileId))) : { captions: [], title: undefined };
  const { analysis } = result;
  return {
    success: true,
    script: scriptFromAnalysis(analysis, { title, frameUrls: urls }),
    analysis: {
      duration: analysis.durationSeconds,
      width: analysis.width,
      height: analysis.height,
      scenes: analysis.scenes,
      silences: analysis.silences,
      loudness: analysis.loudness ?? null,
    },
    frames: result.frames.map((f, i) => ({ time: f.time, url: urls[i]!, ...(captions[i] ? { caption: captions[i] } : {}) })),
  };
}

/**
 * A caption per frame and a title from them. Any failure only leaves that caption (or the title) out: the
 * script never depends on the AI answering.
 */
async function describeFrames(env: Env, ai: WorkersAiConfig, frames: readonly (FileRow | undefined)[]): Promise<{ captions: (string | undefined)[]; title: string | undefined }> {
  const captions: (string | undefined)[] = frames.map(() => undefined);
  let next = 0;
  const worker = async () => {
    while (next < frames.length) {
      const index = next++;
      const file = frames[index];
      const object = file && (await env.MEDIA.get(file.r2Key));
      if (!object) continue;
      try {
        captions[index] = (await captionImage(ai, new Uint8Array(await object.arrayBuffer()))) || undefined;
      } catch (err) {
        console.warn(JSON.stringify({ level: "warn", event: "studio.caption_failed", error: String(err) }));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CAPTION_CONCURRENCY, frames.length) }, worker));
  const described = captions.filter((c): c is string => c !== undefined);
  let title: string | undefined;
  if (described.length > 0) {
    try {
      title = (await suggestTitle(ai, described)) || undefined;
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", event: "studio.title_failed", error: String(err) }));
    }
  }
  return { captions, title };
}
