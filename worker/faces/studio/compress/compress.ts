/**
 * `POST /api/v1/compress` without HTTP: resolve the caller's file, submit (or join) the `studio.compress`
 * task for (file, target, quality), wait for it and name its output. The output's name carries the target
 * and quality, so it is one-to-one with the task that made it; it is owned by whoever owns the input (an
 * anonymous download's compression is as visible as the download), which also means one account's name
 * never blocks another's compression of its own file.
 */
import type { CompressQuality } from "../../../../protocol/transcoder";
import { getConfig } from "../../../env";
import { AppError } from "../../../lib/errors";
import { touchFilesForHandOut } from "../../../media/store";
import { expireTask, submitTask, waitForTask } from "../../../tasks/engine";
import { nameStudioFile, resolveStudioFile, type StudioCaller } from "../files";
import { compressTaskKey, compressTaskResultSchema, STUDIO_COMPRESS_KIND, type CompressPayload } from "./task";

/** The seed's `target_size_mb` is decimal megabytes, as the transcoder states its smallest size. */
export const BYTES_PER_MB = 1_000_000;

export interface CompressRequest {
  inputPath: string;
  targetSizeMb: number;
  quality: CompressQuality;
  caller: StudioCaller;
}

export interface StudioCompression {
  success: true;
  output_path: string;
  file_size: number;
  original_size: number;
  target_size_mb: number;
  ratio: number;
  duration: number;
  quality: CompressQuality;
}

/** Transcoder failures a client can act on; anything else is the platform's 500. */
const FAILURES: Partial<Record<string, [400 | 404 | 413, (message: string) => string]>> = {
  "input.target_too_small": [400, (m) => `Target size too small: ${m}`],
  "input.invalid": [400, () => "The input is not a video that can be compressed"],
  "file.missing": [404, () => "File not found: it is no longer stored; download it again"],
  "source.too_large": [413, () => "The compressed video exceeds the size limit"],
};

/**
 * `tiktok-1.mp4`, 500,000 bytes, medium → `tiktok-1-0.5mb-medium.mp4`. From the whole bytes, so a client's
 * `0.30000000000000004` names the file as `0.3` does; a public name stays ≤ 255 characters.
 */
export const compressedName = (inputName: string, targetBytes: number, quality: CompressQuality): string => {
  const dot = inputName.lastIndexOf(".");
  const stem = dot > 0 ? inputName.slice(0, dot) : inputName;
  const suffix = `-${targetBytes / BYTES_PER_MB}mb-${quality}.mp4`;
  return `${stem.slice(0, 255 - suffix.length)}${suffix}`;
};

export async function compressStudioFile(env: Env, req: CompressRequest): Promise<StudioCompression> {
  const config = getConfig(env);
  const targetBytes = Math.round(req.targetSizeMb * BYTES_PER_MB);
  if (targetBytes > config.MAX_MEDIA_BYTES) {
    throw new AppError(400, `target_size_mb must be at most ${Math.floor(config.MAX_MEDIA_BYTES / BYTES_PER_MB)}`, "target.too_large");
  }
  const input = await resolveStudioFile(env, req.inputPath, req.caller, "input_path");
  const payload: CompressPayload = { fileId: input.file.id, targetBytes, quality: req.quality };
  const deadline = Date.now() + config.SYNC_TASK_TIMEOUT_SECONDS * 1000;
  // Twice at most: a finished compression whose output was collected since is expired and run again once.
  for (let round = 0; round < 2; round++) {
    const { task } = await submitTask(env, {
      kind: STUDIO_COMPRESS_KIND,
      payload,
      idempotencyKey: compressTaskKey(payload),
      face: "studio",
      ownerUserId: req.caller,
    });
    const { task: final, timedOut } = await waitForTask(env, task.id, Math.max(0, deadline - Date.now()));
    if (timedOut) throw new AppError(504, "The compression is taking longer than expected; repeat the request to get the result", "timeout");
    if (final.status === "expired") continue;
    if (final.status !== "succeeded") {
      const [status, message] = FAILURES[final.errorCode ?? ""] ?? [500, () => "Compression failed"];
      throw new AppError(status, message(final.errorMessage ?? ""), final.errorCode ?? "internal");
    }
    const result = compressTaskResultSchema.parse(final.result);
    // Handing out a cached output is a read: its idle clock restarts before the client gets its path.
    const [output] = await touchFilesForHandOut(env, [result.fileId]);
    if (!output) {
      await expireTask(env, final.id);
      continue;
    }
    const outputPath = await nameStudioFile(env, compressedName(input.name.publicName, targetBytes, req.quality), output.id, input.name.ownerUserId);
    return {
      success: true,
      output_path: outputPath,
      file_size: output.size,
      original_size: input.file.size,
      target_size_mb: req.targetSizeMb,
      ratio: result.ratio,
      duration: result.durationSeconds,
      quality: req.quality,
    };
  }
  throw new AppError(500, "Compression failed: its output disappeared twice", "files.missing");
}
