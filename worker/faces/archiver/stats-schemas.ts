/** Seed 004's statistics and health bodies as zod schemas (the OpenAPI document and the handlers' types come from them). */
import { z } from "@hono/zod-openapi";
import { HEARTBEAT_STALE_MS } from "./stats-heartbeat";

const Count = z.number().int().nonnegative();

export const Stats = z
  .object({
    total_jobs: Count.openapi({ description: "Every job, cancelled ones included" }),
    pending_jobs: Count,
    running_jobs: Count,
    completed_jobs: Count,
    failed_jobs: Count,
    total_videos: Count,
    downloaded_videos: Count.openapi({ description: "Videos in the platform's store: status downloaded, uploading or uploaded" }),
    uploaded_videos: Count.openapi({ description: "Videos delivered: status uploaded (to Google Drive, or kept in the platform's store without Drive)" }),
    failed_videos: Count,
    total_storage_bytes: Count.openapi({ description: "Bytes the archived videos and their metadata files take in the platform's store" }),
    scheduled_jobs_count: Count,
    active_scheduled_jobs: Count.openapi({ description: "Enabled scheduled jobs" }),
  })
  .openapi("ArchiverStats");

export const Health = z
  .object({
    status: z.enum(["healthy", "degraded"]).openapi({ description: "degraded when any check below is false" }),
    version: z.string().openapi({ example: "0.1.0" }),
    timestamp: z.string().openapi({ format: "date-time" }),
    database: z.boolean().openapi({ description: "The database answered a query" }),
    google_drive: z.boolean().openapi({ description: "Drive is reachable with the configured key, or Drive is not configured (videos stay in the platform's store)" }),
    scheduler: z.boolean().openapi({ description: `The cron ran a pass within the last ${HEARTBEAT_STALE_MS / 60_000} minutes` }),
  })
  .openapi("ArchiverHealth");
export type StatsView = z.infer<typeof Stats>;
export type HealthView = z.infer<typeof Health>;
