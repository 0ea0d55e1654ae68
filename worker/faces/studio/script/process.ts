/**
 * `POST /api/v1/process` without HTTP: the URL checked (400 before any task), then one `studio.process`
 * task per (caller, post, num_frames) submitted or joined and waited for. A finished task answers again
 * while its video and edit are still stored; once either was collected the task is expired and runs again
 * (its download step then finds the cached fetch, or fetches anew).
 */
import { resolveTikTokPost } from "../../../media/tiktok-post";
import { getConfig } from "../../../env";
import { AppError } from "../../../lib/errors";
import { touchFilesForHandOut } from "../../../media/store";
import { expireTask, waitForTask } from "../../../tasks/engine";
import { STUDIO_FETCH_FAILURES } from "../failures";
import { findStudioFile, parseStudioPath, type StudioCaller } from "../files";
import { processResultSchema, submitProcess, type ProcessResult } from "./process-task";
import { EDIT_FAILURES } from "./edit";

/** The statuses of failures that can end a process task; its message is already worded for the client. */
function failureStatus(code: string): 400 | 403 | 404 | 409 | 413 | 500 | 502 {
  const fetchStatus = STUDIO_FETCH_FAILURES.codes[code]?.[0];
  if (fetchStatus) return fetchStatus as 400 | 403 | 404 | 413 | 502;
  const editStatus = EDIT_FAILURES[code]?.[0];
  if (editStatus) return editStatus === 500 ? 500 : editStatus;
  if (code === "name.taken") return 409;
  if (code === "source.no_video" || code.startsWith("url.")) return 400;
  return 500;
}

/** The stored files of a finished result, refreshed for hand-out; false when one is gone. */
async function filesStillStored(env: Env, result: ProcessResult, caller: StudioCaller): Promise<boolean> {
  const ids: string[] = [];
  for (const path of [result.download.file_path, result.edit.output_path]) {
    const parsed = parseStudioPath(path);
    const found = parsed.ok ? await findStudioFile(env, parsed.name, caller) : undefined;
    if (!found) return false;
    ids.push(found.file.id);
  }
  return (await touchFilesForHandOut(env, ids)).length === new Set(ids).size;
}

export async function processUrl(env: Env, req: { url: string; numFrames: number; caller: StudioCaller }): Promise<ProcessResult> {
  const source = await resolveTikTokPost(env, req.url);
  const deadline = Date.now() + getConfig(env).SYNC_TASK_TIMEOUT_SECONDS * 1000;
  for (let round = 0; round < 2; round++) {
    const { task } = await submitProcess(env, {
      url: source.canonicalUrl,
      numFrames: req.numFrames,
      caller: req.caller,
      idempotencyKey: `studio.process:${req.caller ?? "anon"}:${source.id}:${req.numFrames}`,
    });
    const { task: final, timedOut } = await waitForTask(env, task.id, Math.max(0, deadline - Date.now()));
    if (timedOut) throw new AppError(504, "The processing is taking longer than expected; repeat the request to get the result", "timeout");
    if (final.status === "expired") continue;
    if (final.status !== "succeeded") {
      const code = final.errorCode ?? "internal";
      const status = failureStatus(code);
      throw new AppError(status, status === 500 ? "Processing failed" : (final.errorMessage ?? "Processing failed"), code);
    }
    const result = processResultSchema.parse(final.result);
    if (await filesStillStored(env, result, req.caller)) return result;
    await expireTask(env, final.id);
  }
  throw new AppError(500, "Processing failed: its files disappeared twice", "files.missing");
}
