/**
 * The transcoder's `analyze` and `edit` operations on one stored video, for a task run: signed source and
 * upload URLs, the op, and its outputs registered as files. Both the `studio.analyze` / `studio.edit` tasks
 * (the generate-script and edit routes) and the `studio.process` task run them, so the two paths render the
 * same way. No HTTP here.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { EditScript } from "../../../../protocol/edit-script";
import { analyzeResultSchema } from "../../../../protocol/media-analysis";
import { getDb } from "../../../db/client";
import { files, type FileRow } from "../../../db/schema";
import { getConfig } from "../../../env";
import { deletePrefix } from "../../../media/orphans";
import { downloadUrlFor, uploadUrlFor } from "../../../media/signed-urls";
import { registerObject } from "../../../media/store";
import { transcoderFor } from "../../../media/transcoder-client";
import { TaskError, toTaskError } from "../../../tasks/errors";

/** The task run the op belongs to: its uploads are tied to this lease, under a prefix of their own. */
export interface OpRun {
  taskId: string;
  leaseToken: string | null;
  /** `tasks/<id>/a<attempt>/<step>`: a crashed attempt's uploads are never taken for this one's. */
  prefix: string;
  progress: (percent: number, stage?: string) => Promise<void>;
  signal: AbortSignal;
}

export const analysisResultSchema = z.object({
  analysis: analyzeResultSchema,
  /** The registered frames, in the analysis' order. */
  frames: z.array(z.object({ fileId: z.string(), time: z.number().nonnegative() })),
});
export type AnalysisResult = z.infer<typeof analysisResultSchema>;

export const renderResultSchema = z.object({
  fileId: z.string(),
  size: z.number().int().positive(),
  durationSeconds: z.number().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type RenderResult = z.infer<typeof renderResultSchema>;

/** The stored input of a task, or a permanent failure: it was collected since the request. */
export async function inputFile(env: Env, fileId: string): Promise<FileRow> {
  const input = await getDb(env).select().from(files).where(eq(files.id, fileId)).get();
  if (!input) throw new TaskError("file.missing", "the input file is no longer stored", false);
  return input;
}

/** Runs `body` with the run's prefix removed again when it fails (nothing half-uploaded stays). */
async function cleaningUp<T>(env: Env, run: OpRun, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    await deletePrefix(env, run.prefix).catch((cleanup: unknown) =>
      console.warn(JSON.stringify({ level: "warn", event: "task.cleanup_failed", taskId: run.taskId, prefix: run.prefix, error: String(cleanup) })),
    );
    throw toTaskError(err);
  }
}

async function urls(env: Env, run: OpRun, input: FileRow) {
  const config = getConfig(env);
  const ttl = config.TASK_LEASE_SECONDS * 4;
  return {
    source: await downloadUrlFor(env, input.r2Key, ttl),
    output: {
      uploadUrl: await uploadUrlFor(env, run.prefix, ttl, config.MAX_MEDIA_BYTES, { taskId: run.taskId, leaseToken: run.leaseToken }),
      maxBytes: config.MAX_MEDIA_BYTES,
    },
  };
}

/** Registers an uploaded output after checking R2 holds it whole. */
async function registerOutput(env: Env, run: OpRun, name: string, size: number, contentType: string): Promise<FileRow> {
  const key = `${run.prefix}/${name}`;
  const head = await env.MEDIA.head(key);
  if (!head || head.size !== size) throw new TaskError("upload.missing", `output ${name} was reported but not stored intact`, true);
  return registerObject(env, head, { contentType, sourceTaskId: run.taskId });
}

/** `analyze`: scenes, silences, loudness and `numFrames` JPEG frames, each frame a registered file. */
export function analyzeStoredVideo(env: Env, run: OpRun, input: FileRow, numFrames: number): Promise<AnalysisResult> {
  return cleaningUp(env, run, async () => {
    const sizes = new Map<string, { size: number; contentType: string }>();
    const analysis = await transcoderFor(env).run(
      "analyze",
      { taskId: run.taskId, numFrames, ...(await urls(env, run, input)) },
      async (event) => {
        if (event.type === "progress") await run.progress(event.percent, event.stage);
        if (event.type === "output") sizes.set(event.output.name, { size: event.output.size, contentType: event.output.contentType });
      },
      run.signal,
    );
    const frames: AnalysisResult["frames"] = [];
    for (const frame of analysis.frames) {
      const uploaded = sizes.get(frame.name);
      if (!uploaded) throw new TaskError("upload.missing", `frame ${frame.name} was listed but never uploaded`, true);
      const file = await registerOutput(env, run, frame.name, uploaded.size, uploaded.contentType);
      frames.push({ fileId: file.id, time: frame.time });
    }
    return { analysis, frames };
  });
}

/** `edit`: the script rendered in one ffmpeg pass into one registered mp4. */
export function renderStoredVideo(env: Env, run: OpRun, input: FileRow, script: EditScript): Promise<RenderResult> {
  return cleaningUp(env, run, async () => {
    const result = await transcoderFor(env).run(
      "edit",
      { taskId: run.taskId, script, ...(await urls(env, run, input)) },
      async (event) => {
        if (event.type === "progress") await run.progress(event.percent, event.stage);
      },
      run.signal,
    );
    const out = result.output;
    const file = await registerOutput(env, run, out.name, out.size, out.contentType);
    return {
      fileId: file.id,
      size: file.size,
      durationSeconds: out.durationSeconds ?? 0,
      width: out.width ?? script.source.width,
      height: out.height ?? script.source.height,
    };
  });
}
