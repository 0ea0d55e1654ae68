/**
 * Seed 003's script routes: `POST /api/v1/generate-script`, `GET /api/v1/schemas/edit-script.json`,
 * `POST /api/v1/edit` and `POST /api/v1/process`. Scripts are documented here as objects and checked by the
 * service against protocol/edit-script.ts, so a 400 names the bad field the way the script's author reads it.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, studioErrors } from "../../../lib/error-format";
import { json, jsonBody } from "../../../lib/openapi";
import { studioErrorResponses, STUDIO_TAGS } from "../routes";
import { DownloadResponse, FilePath, TikTokUrl } from "../schemas";

const EDIT_SCRIPT_SCHEMA_PATH = "/api/v1/schemas/edit-script.json";

const Script = z
  .record(z.string(), z.unknown())
  .openapi("StudioEditScript", { description: `An edit script: its JSON Schema is served at ${EDIT_SCRIPT_SCHEMA_PATH}.` });

const NumFrames = z.number().int().min(1).max(60).default(10).openapi({ example: 10, description: "Evenly spaced frames to extract (1–60)." });
const seconds = (description: string) => z.number().nonnegative().openapi({ description });

export const GenerateScriptRequest = z.object({ video_path: FilePath, num_frames: NumFrames }).openapi("StudioGenerateScriptRequest");

const Frame = z.object({
  time: seconds("Source time of the frame, seconds"),
  url: z.string().openapi({ example: "https://media.example.com/api/v1/video/tiktok-7234567890123456789-frame-01-of-10.jpg", description: "The JPEG (GET /api/v1/video/{filename})" }),
  caption: z.string().optional().openapi({ description: "Workers AI's description of the frame (only when WORKERS_AI_* is configured and it answered)" }),
});

export const GenerateScriptResponse = z
  .object({
    success: z.literal(true),
    script: Script,
    analysis: z.object({
      duration: seconds("Seconds"),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
      scenes: z.array(z.object({ time: seconds("Seconds"), score: z.number().min(0).max(1).openapi({ description: "ffmpeg's scene score" }) })),
      silences: z.array(z.object({ start: seconds("Seconds"), end: seconds("Seconds") })),
      loudness: z
        .object({ integrated: z.number().openapi({ description: "LUFS" }), range: z.number().openapi({ description: "LU" }), truePeak: z.number().openapi({ description: "dBTP" }) })
        .nullable()
        .openapi({ description: "EBU R128; null when the video has no (measurable) audio" }),
    }),
    frames: z.array(Frame),
  })
  .openapi("StudioGenerateScriptResponse");

export const EditRequest = z
  .object({
    video_path: FilePath,
    script: Script,
    output_filename: z.string().max(255).openapi({ example: "edited.mp4", description: "A plain file name ending in .mp4" }),
  })
  .openapi("StudioEditRequest");

export const EditResponse = z
  .object({
    success: z.literal(true),
    output_path: FilePath,
    file_size: z.number().int().positive().openapi({ description: "Bytes" }),
    duration: seconds("Seconds, as measured in the rendered file"),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  })
  .openapi("StudioEditResponse");

export const ProcessRequest = z.object({ url: TikTokUrl, num_frames: NumFrames }).openapi("StudioProcessRequest");

export const ProcessResponse = z
  .object({
    success: z.literal(true),
    download: DownloadResponse,
    script: Script,
    edit: EditResponse,
    processing_time: seconds("Seconds from the task's submission to its end (retries included); a repeat answers the first run's figure").openapi({ example: 125.5 }),
  })
  .openapi("StudioProcessResponse");

export const generateScript = createRoute({
  method: "post",
  path: "/api/v1/generate-script",
  tags: STUDIO_TAGS,
  summary: "Analyse a video and generate an edit script",
  description: [
    "Analyses a studio file with ffmpeg — `num_frames` evenly spaced JPEG frames, scene changes, silences, EBU R128",
    "loudness, duration and resolution — and returns an edit script built from it (segments cut at scene changes,",
    "long silences trimmed, landscape cropped to 9:16, loudness normalised when far from -14 LUFS, fades) with the",
    "frames' URLs. The same file and num_frames is one analysis: a repeat answers without analysing again. Frames are",
    "named `<video>-frame-NN-of-M.jpg` and served like any studio file. When Workers AI is configured (WORKERS_AI_ACCOUNT_ID,",
    "WORKERS_AI_API_TOKEN) frames get a `caption` and the script a `title` (also shown over the first segment); without",
    "it, or when the AI fails, the script is complete and the same for the same video.",
  ].join(" "),
  request: jsonBody(GenerateScriptRequest),
  responses: {
    200: json(GenerateScriptResponse, "The script, the analysis and the frames"),
    ...studioErrorResponses({
      400: "Missing or malformed body, video_path not a file_path of this API, num_frames outside 1–60, or a file that is not a video",
      404: "No such file (or another account's), or it is no longer stored",
      409: "A frame's name is held by another account",
      504: "The analysis did not finish in time; repeating the request joins it",
    }),
  },
});

export const editScriptJsonSchema = createRoute({
  method: "get",
  path: EDIT_SCRIPT_SCHEMA_PATH,
  tags: STUDIO_TAGS,
  summary: "The edit script's JSON Schema",
  description:
    "JSON Schema (draft 2020-12) of the script `generate-script` answers and `edit` accepts. Public, like /health: it is the API's documentation, not data. The cross-field rules (ordered, non-overlapping segments inside the source; fades that fit; overlays inside their segment) are stated in `$comment`.",
  responses: {
    200: json(z.record(z.string(), z.unknown()).openapi("StudioEditScriptJsonSchema"), "The JSON Schema"),
    ...errorResponses(studioErrors, { 429: "Over 100 requests per hour per client" }),
  },
});

export const edit = createRoute({
  method: "post",
  path: "/api/v1/edit",
  tags: STUDIO_TAGS,
  summary: "Render an edit script",
  description: [
    "Checks `script` against the edit script schema (a 400 names each bad field, e.g. `script.segments[1].end must be",
    "after start`) and renders it from `video_path` in one ffmpeg pass (H.264 + AAC). The result is named",
    "`output_filename` for the caller and served at its `output_path`. The same file and script is one render.",
  ].join(" "),
  request: jsonBody(EditRequest),
  responses: {
    200: json(EditResponse, "The rendered file"),
    ...studioErrorResponses({
      400: "Missing or malformed body, an invalid script (the field is named), output_filename not a plain .mp4 name, video_path not a file_path of this API, or a script that does not fit the real video",
      404: "No such file (or another account's), or it is no longer stored",
      409: "output_filename is held by another account",
      413: "The edited video exceeds the size limit",
      504: "The edit did not finish in time; repeating the request joins it",
    }),
  },
});

export const process = createRoute({
  method: "post",
  path: "/api/v1/process",
  tags: STUDIO_TAGS,
  summary: "Download, script and edit a TikTok video",
  description: [
    "Runs download → generate-script → edit as one task (kind `studio.process`) and waits for it. Each step's result is",
    "kept on the task, so a retry after a crash skips the steps already done (it never downloads twice). The edit is",
    "named `tiktok-<id>-edited.mp4`. The same caller, video and num_frames is one task: a repeat answers its result",
    "while the files are stored, and runs again once they were collected. Limited to 10 requests per minute.",
  ].join(" "),
  request: jsonBody(ProcessRequest),
  responses: {
    200: json(ProcessResponse, "The download, the script and the edit"),
    ...studioErrorResponses({
      400: "Missing or malformed body, a URL that is not a TikTok video, a photo post, or num_frames outside 1–60",
      403: "The video is private",
      404: "The video does not exist",
      409: "The edit's name is held by another account",
      413: "The video exceeds the size limit",
      502: "TikTok could not be reached",
      504: "The processing did not finish in time; repeating the request joins it",
    }),
  },
});

export type GenerateScriptRoute = typeof generateScript;
export type EditScriptJsonSchemaRoute = typeof editScriptJsonSchema;
export type EditRoute = typeof edit;
export type ProcessRoute = typeof process;
