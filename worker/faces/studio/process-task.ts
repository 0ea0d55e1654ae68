/**
 * Seed 003's `process` (download → script → edit) as one platform task of kind `studio.process`. The REST
 * route waits for it, the priority queue lists it, and the webhooks queue it and reply when it ends. Each
 * step's result is saved on the task, so an attempt after a crash skips the steps already done.
 */
import { z } from "zod";
import type { TaskRow } from "../../db/schema";
import { submitTask, type SubmitTaskOutcome } from "../../tasks/engine";
import { TaskError } from "../../tasks/errors";
import type { TaskHandler } from "../../tasks/registry";

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

/** Placeholder run until the steps land: fails permanently with a clear code. */
export const runProcessTask: TaskHandler = async ({ task }: { task: TaskRow }) => {
  processPayloadSchema.parse(task.payload);
  throw new TaskError("studio.not_ready", "process is not implemented yet", false);
};
