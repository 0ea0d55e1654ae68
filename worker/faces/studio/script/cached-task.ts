/**
 * Submit (or join) a keyed task and wait for it within SYNC_TASK_TIMEOUT_SECONDS, as fetchMediaAndWait
 * does: a finished task whose files were collected since is expired and run once more, and the files
 * handed out have their idle clock restarted first. Failures become the studio's AppErrors.
 */
import type { z } from "zod";
import type { FileRow } from "../../../db/schema";
import { getConfig } from "../../../env";
import { AppError } from "../../../lib/errors";
import { touchFilesForHandOut } from "../../../media/store";
import { expireTask, submitTask, waitForTask } from "../../../tasks/engine";
import type { StudioCaller } from "../files";

export type FailureStatus = 400 | 404 | 413 | 500;
/** Task error codes a client can act on, with the status and message to answer; others are a 500. */
export type FailureTable = Partial<Record<string, [FailureStatus, (message: string) => string]>>;

export interface CachedTaskInput<T> {
  kind: string;
  payload: unknown;
  idempotencyKey: string;
  caller: StudioCaller;
  result: z.ZodType<T>;
  /** The files the result hands out: all must still exist. */
  fileIds: (result: T) => string[];
  failures: FailureTable;
  /** `analysis` → "The analysis is taking longer…", "Analysis failed". */
  what: string;
}

export async function runCachedTask<T>(env: Env, input: CachedTaskInput<T>): Promise<{ result: T; files: Map<string, FileRow> }> {
  const deadline = Date.now() + getConfig(env).SYNC_TASK_TIMEOUT_SECONDS * 1000;
  for (let round = 0; round < 2; round++) {
    const { task } = await submitTask(env, {
      kind: input.kind,
      payload: input.payload,
      idempotencyKey: input.idempotencyKey,
      face: "studio",
      ownerUserId: input.caller,
    });
    const { task: final, timedOut } = await waitForTask(env, task.id, Math.max(0, deadline - Date.now()));
    if (timedOut) throw new AppError(504, `The ${input.what} is taking longer than expected; repeat the request to get the result`, "timeout");
    if (final.status === "expired") continue;
    if (final.status !== "succeeded") {
      const [status, message] = input.failures[final.errorCode ?? ""] ?? [500, () => `The ${input.what} failed`];
      throw new AppError(status, message(final.errorMessage ?? ""), final.errorCode ?? "internal");
    }
    const result = input.result.parse(final.result);
    const wanted = [...new Set(input.fileIds(result))];
    const rows = await touchFilesForHandOut(env, wanted);
    if (rows.length === wanted.length) return { result, files: new Map(rows.map((f) => [f.id, f])) };
    await expireTask(env, final.id);
  }
  throw new AppError(500, `The ${input.what} failed: its files disappeared twice`, "files.missing");
}
