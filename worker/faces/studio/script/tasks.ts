/**
 * The `studio.analyze` and `studio.edit` tasks behind the generate-script and edit routes. Their idempotency
 * keys are (file, frames) and (file, script): the same video analysed with the same num_frames, or rendered
 * with the same script, joins the running task or answers from the finished one instead of running ffmpeg
 * again. No HTTP here.
 */
import { z } from "zod";
import { editScriptSchema } from "../../../../protocol/edit-script";
import { ANALYZE_MAX_FRAMES } from "../../../../protocol/media-analysis";
import type { TaskHandler, TaskRunContext } from "../../../tasks/registry";
import { analyzeStoredVideo, inputFile, renderStoredVideo, type OpRun } from "./media-ops";

export const STUDIO_ANALYZE_KIND = "studio.analyze";
export const STUDIO_EDIT_KIND = "studio.edit";

export const analyzePayloadSchema = z.object({
  fileId: z.string().min(1),
  numFrames: z.number().int().min(1).max(ANALYZE_MAX_FRAMES),
});
export type AnalyzePayload = z.infer<typeof analyzePayloadSchema>;

export const editPayloadSchema = z.object({
  fileId: z.string().min(1),
  script: editScriptSchema,
});
export type EditPayload = z.infer<typeof editPayloadSchema>;

export const analyzeTaskKey = (p: AnalyzePayload): string => `${STUDIO_ANALYZE_KIND}:${p.fileId}:${p.numFrames}`;

/** The parsed script (defaults filled, keys in schema order) hashed: equal scripts share one render. */
export async function editTaskKey(p: EditPayload): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(p.script)));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${STUDIO_EDIT_KIND}:${p.fileId}:${hex}`;
}

/** The run's prefix and lease, for ops that upload. */
export const opRunOf = (ctx: Pick<TaskRunContext, "task" | "progress" | "signal">, step?: string): OpRun => ({
  taskId: ctx.task.id,
  leaseToken: ctx.task.leaseToken,
  prefix: `tasks/${ctx.task.id}/a${ctx.task.attempts}${step ? `/${step}` : ""}`,
  progress: ctx.progress,
  signal: ctx.signal,
});

export const runAnalyzeTask: TaskHandler = async (ctx) => {
  const payload = analyzePayloadSchema.parse(ctx.task.payload);
  return analyzeStoredVideo(ctx.env, opRunOf(ctx), await inputFile(ctx.env, payload.fileId), payload.numFrames);
};

export const runEditTask: TaskHandler = async (ctx) => {
  const payload = editPayloadSchema.parse(ctx.task.payload);
  return renderStoredVideo(ctx.env, opRunOf(ctx), await inputFile(ctx.env, payload.fileId), payload.script);
};
