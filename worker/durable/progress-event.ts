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

/**
 * A face's own view of a job that is made of tasks (seed 004's archive job): the job's state in that face's
 * words, and the item that changed, if one did. `taskId` is the job's task (the channel's ordering key).
 */
export const jobEventSchema = z.object({
  type: z.literal("job"),
  taskId: z.string(),
  job: z.object({
    id: z.string(),
    status: z.string(),
    progress: z.number().int().min(0).max(100),
    total_videos: z.number().int().nonnegative(),
    successful_downloads: z.number().int().nonnegative(),
    failed_downloads: z.number().int().nonnegative(),
  }),
  video: z
    .object({
      id: z.string(),
      status: z.string(),
      error_message: z.string().nullable(),
      file_size: z.number().int().nullable(),
      drive_file_id: z.string().nullable(),
    })
    .optional(),
  final: z.boolean(),
  at: z.number().int(),
});
export type JobEvent = z.infer<typeof jobEventSchema>;

/** One union so other event types can join without changing the Durable Object. */
export const progressEventSchema = z.discriminatedUnion("type", [taskEventSchema, jobEventSchema]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;
