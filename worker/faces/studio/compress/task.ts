/**
 * The `studio.compress` task: one stored video → the transcoder's two-pass `compress` op → one registered
 * mp4 at 90–100 % of the target size. Its idempotency key is (input file, target bytes, quality), so a
 * repeated request joins the running encode or answers from the finished one instead of encoding again.
 * No HTTP here.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { compressQualitySchema } from "../../../../protocol/transcoder";
import { getDb } from "../../../db/client";
import { files, type TaskRow } from "../../../db/schema";
import { getConfig } from "../../../env";
import { deletePrefix } from "../../../media/orphans";
import { downloadUrlFor, uploadUrlFor } from "../../../media/signed-urls";
import { registerObject } from "../../../media/store";
import { transcoderFor } from "../../../media/transcoder-client";
import { TaskError, toTaskError } from "../../../tasks/errors";
import type { TaskHandler } from "../../../tasks/registry";

export const STUDIO_COMPRESS_KIND = "studio.compress";

export const compressPayloadSchema = z.object({
  fileId: z.string().min(1),
  targetBytes: z.number().int().positive(),
  quality: compressQualitySchema,
});
export type CompressPayload = z.infer<typeof compressPayloadSchema>;

export const compressTaskResultSchema = z.object({
  fileId: z.string(),
  size: z.number().int().positive(),
  targetBytes: z.number().int().positive(),
  ratio: z.number().positive(),
  durationSeconds: z.number().nonnegative(),
});
export type CompressTaskResult = z.infer<typeof compressTaskResultSchema>;

export const compressTaskKey = (p: CompressPayload): string => `${STUDIO_COMPRESS_KIND}:${p.fileId}:${p.targetBytes}:${p.quality}`;

export const runCompressTask: TaskHandler = async ({ env, task, progress, signal }) => {
  const payload = compressPayloadSchema.parse(task.payload);
  // One prefix per attempt, as media.fetch does: a crashed attempt's upload is never taken for this one's.
  const prefix = `tasks/${task.id}/a${task.attempts}`;
  try {
    return await compressIntoPrefix(env, task, payload, prefix, progress, signal);
  } catch (err) {
    await deletePrefix(env, prefix).catch((cleanup: unknown) =>
      console.warn(JSON.stringify({ level: "warn", event: "task.cleanup_failed", taskId: task.id, prefix, error: String(cleanup) })),
    );
    throw toTaskError(err);
  }
};

async function compressIntoPrefix(
  env: Env,
  task: TaskRow,
  payload: CompressPayload,
  prefix: string,
  progress: (percent: number, stage?: string) => Promise<void>,
  signal: AbortSignal,
): Promise<CompressTaskResult> {
  const config = getConfig(env);
  const input = await getDb(env).select().from(files).where(eq(files.id, payload.fileId)).get();
  // Collected between the request and this run: the client has to download it again.
  if (!input) throw new TaskError("file.missing", "the input file is no longer stored", false);
  const source = await downloadUrlFor(env, input.r2Key, config.TASK_LEASE_SECONDS * 4);
  const uploadUrl = await uploadUrlFor(env, prefix, config.TASK_LEASE_SECONDS * 4, config.MAX_MEDIA_BYTES, { taskId: task.id, leaseToken: task.leaseToken });
  const result = await transcoderFor(env).run(
    "compress",
    { taskId: task.id, source, targetBytes: payload.targetBytes, quality: payload.quality, output: { uploadUrl, maxBytes: config.MAX_MEDIA_BYTES } },
    async (event) => {
      if (event.type === "progress") await progress(event.percent, event.stage);
    },
    signal,
  );
  const key = `${prefix}/${result.output.name}`;
  const head = await env.MEDIA.head(key);
  if (!head || head.size !== result.output.size) throw new TaskError("upload.missing", `output ${result.output.name} was reported but not stored intact`, true);
  const file = await registerObject(env, head, { contentType: result.output.contentType, sourceTaskId: task.id });
  return {
    fileId: file.id,
    size: file.size,
    targetBytes: result.targetBytes,
    ratio: result.ratio,
    durationSeconds: result.output.durationSeconds ?? 0,
  };
}
