/**
 * Seed 003's `process` (download → script → edit) as one platform task of kind `studio.process`. The REST
 * route waits for it, the priority queue lists it, and the webhooks queue it and reply when it ends. Each
 * step's result is saved on the task, so an attempt after a crash skips the steps already done (a crash
 * after the download never downloads again). Its result is the route's whole answer, so every submitter
 * reads the same body.
 */
import { z } from "zod";
import { editScriptSchema } from "../../../../protocol/edit-script";
import { AppError } from "../../../lib/errors";
import { submitTask, type SubmitTaskOutcome } from "../../../tasks/engine";
import { TaskError } from "../../../tasks/errors";
import type { TaskHandler } from "../../../tasks/registry";
import { nameStudioFile } from "../files";
import { editResponse, type StudioEdit } from "./edit";
import { buildStudioScript } from "./generate";
import { analyzeStoredVideo, inputFile, renderStoredVideo } from "./media-ops";
import { downloadInTask } from "./download-in-task";
import { opRunOf } from "./tasks";
import { touchFilesForHandOut } from "../../../media/store";

export const STUDIO_PROCESS_KIND = "studio.process";

export const DEFAULT_NUM_FRAMES = 10;

export const processPayloadSchema = z.object({
  url: z.string().min(1).max(2048),
  numFrames: z.number().int().min(1).max(60).default(DEFAULT_NUM_FRAMES),
  /** Whose files the outputs become (null: anonymous, as the document's service). */
  ownerUserId: z.number().int().nullable().default(null),
});
export type ProcessPayload = z.infer<typeof processPayloadSchema>;

export interface SubmitProcessInput {
  url: string;
  numFrames?: number;
  caller: number | null;
  /** 1 (lowest) … 10 (highest); the queue's `priority`. */
  priority?: number;
  /** Retries after the first attempt (the queue's `max_retries`). */
  maxRetries?: number;
  /** Requests with the same key share one task (REST calls and webhook deliveries); queue jobs have none. */
  idempotencyKey?: string;
  id?: string;
}

export async function submitProcess(env: Env, input: SubmitProcessInput): Promise<SubmitProcessOutcome> {
  const payload: ProcessPayload = processPayloadSchema.parse({ url: input.url, numFrames: input.numFrames, ownerUserId: input.caller });
  return submitTask(env, {
    id: input.id,
    kind: STUDIO_PROCESS_KIND,
    payload,
    priority: input.priority,
    maxRetries: input.maxRetries,
    idempotencyKey: input.idempotencyKey,
    face: "studio",
    ownerUserId: input.caller,
  });
}
export type SubmitProcessOutcome = SubmitTaskOutcome;

const downloadStepSchema = z.object({
  response: z.object({
    success: z.literal(true),
    file_path: z.string(),
    file_size: z.number(),
    duration: z.number(),
    from_cache: z.boolean(),
  }),
  fileId: z.string(),
  /** The stored name (`tiktok-<id>.mp4`): frames and the edit are named after it. */
  name: z.string(),
});
type DownloadStep = z.infer<typeof downloadStepSchema>;

const scriptStepSchema = z.object({ script: editScriptSchema });

const editStepSchema = z.object({
  success: z.literal(true),
  output_path: z.string(),
  file_size: z.number(),
  duration: z.number(),
  width: z.number(),
  height: z.number(),
});

/** The task's result: `POST /api/v1/process`'s answer. */
export const processResultSchema = z.object({
  success: z.literal(true),
  download: downloadStepSchema.shape.response,
  script: editScriptSchema,
  edit: editStepSchema,
  /** Seconds from the task's submission to its end (retries and their waits included). */
  processing_time: z.number().nonnegative(),
});
export type ProcessResult = z.infer<typeof processResultSchema>;

/** `tiktok-123.mp4` → `tiktok-123-edited.mp4`. */
export const editedName = (videoName: string): string => `${videoName.replace(/\.mp4$/i, "")}-edited.mp4`;

/** A client's failure (4xx) ends the task; a 5xx (timeout, unreachable source) may pass on a later attempt. */
const asTaskError = (err: unknown): unknown =>
  err instanceof AppError ? new TaskError(err.code, err.message, err.status >= 500) : err;

export const runProcessTask: TaskHandler = async (ctx) => {
  const { env, task } = ctx;
  const payload = processPayloadSchema.parse(task.payload);
  const owner = payload.ownerUserId;
  try {
    const download = await downloadStep(ctx, payload);
    const input = await inputFile(env, download.fileId);

    let script = scriptStepSchema.safeParse(ctx.steps.script).data?.script;
    if (!script) {
      const analysis = await analyzeStoredVideo(env, opRunOf(ctx, "analyze"), input, payload.numFrames);
      const frames = await touchFilesForHandOut(env, analysis.frames.map((f) => f.fileId));
      script = (await buildStudioScript(env, download.name, analysis, new Map(frames.map((f) => [f.id, f])), owner)).script;
      await ctx.saveStep("script", { script });
    }

    let edit: StudioEdit | undefined = editStepSchema.safeParse(ctx.steps.edit).data;
    if (!edit) {
      const rendered = await renderStoredVideo(env, opRunOf(ctx, "edit"), input, script);
      edit = editResponse(await nameStudioFile(env, editedName(download.name), rendered.fileId, owner), rendered);
      await ctx.saveStep("edit", edit);
    }

    const result: ProcessResult = {
      success: true,
      download: download.response,
      script,
      edit,
      processing_time: Math.round((Date.now() - task.createdAt.getTime()) / 10) / 100,
    };
    return result;
  } catch (err) {
    throw asTaskError(err);
  }
};

async function downloadStep(ctx: Parameters<TaskHandler>[0], payload: ProcessPayload): Promise<DownloadStep> {
  const saved = downloadStepSchema.safeParse(ctx.steps.download);
  if (saved.success) return saved.data;
  const downloaded = await downloadInTask(ctx.env, payload.url, payload.ownerUserId, ctx.task.priority);
  const step: DownloadStep = {
    response: downloaded.response,
    fileId: downloaded.file.id,
    name: decodeURIComponent(downloaded.response.file_path.slice(downloaded.response.file_path.lastIndexOf("/") + 1)),
  };
  await ctx.saveStep("download", step);
  return step;
}
