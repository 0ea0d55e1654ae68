/**
 * What a JobProgress channel carries. Publishers and subscribers (WebSocket clients, `waitForFinal`
 * callers) share this schema; the Durable Object checks it at its RPC boundary.
 */
import { z } from "zod";

export const taskCountersSchema = z.object({
  total: z.number().int().nonnegative(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
});
export type TaskCounters = z.infer<typeof taskCountersSchema>;

export const taskEventSchema = z.object({
  type: z.literal("task"),
  taskId: z.string(),
  kind: z.string(),
  /** A task status (TASK_STATUSES); kept a string here so durable/ does not depend on the engine. */
  status: z.string(),
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable(),
  counters: taskCountersSchema.optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  /** The task reached a terminal status: no further events until it is reopened. */
  final: z.boolean(),
  /** The row's updated_at (ms): a channel drops an event older than the last one it kept for that task. */
  at: z.number().int(),
});
export type TaskEvent = z.infer<typeof taskEventSchema>;

/** One union so other event types can join without changing the Durable Object. */
export const progressEventSchema = z.discriminatedUnion("type", [taskEventSchema]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;
