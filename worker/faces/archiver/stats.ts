/**
 * Seed 004's statistics and health without HTTP. Every counter is computed from the rows on each call (four
 * grouped queries in one D1 batch); health runs real checks of the database, Google Drive (or its configured
 * absence) and the scheduler.
 */
import { count, eq, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { archiverJobs, archiverSchedules, archiverVideos, files, tasks, type ArchiverVideoStatus } from "../../db/schema";
import { driveReachable } from "./drive-delivery";
import { jobStatusOf } from "./presenters";
import type { JobStatus } from "./schemas";
import { HEARTBEAT_STALE_MS, lastCronHeartbeat } from "./stats-heartbeat";
import type { HealthView, StatsView } from "./stats-schemas";

/** The platform's version as health reports it (package.json's, which the Worker cannot import; a test keeps them equal). */
export const PLATFORM_VERSION = "0.1.0";


/**
 * Video statuses counted as downloaded: the file reached the platform's store (`downloaded`), and stays
 * there while and after it is delivered (`uploading`, `uploaded`).
 */
export const DOWNLOADED_STATUSES: readonly ArchiverVideoStatus[] = ["downloaded", "uploading", "uploaded"];

export async function systemStats(env: Env): Promise<StatsView> {
  const db = getDb(env);
  const [jobRows, videoRows, storage, schedules] = await db.batch([
    // A job's status is its task's (a job whose task is not written yet is pending, as GET /jobs shows it).
    db.select({ taskStatus: tasks.status, n: count() }).from(archiverJobs).leftJoin(tasks, eq(tasks.id, archiverJobs.id)).groupBy(tasks.status),
    db.select({ status: archiverVideos.status, n: count() }).from(archiverVideos).groupBy(archiverVideos.status),
    // The media store's sizes of the videos' files and metadata files, each file once.
    db
      .select({ bytes: sql<number | null>`sum(${files.size})` })
      .from(files)
      .where(
        sql`${files.id} IN (SELECT ${archiverVideos.fileId} FROM ${archiverVideos} UNION SELECT ${archiverVideos.metadataFileId} FROM ${archiverVideos})`,
      ),
    db.select({ total: count(), enabled: count(sql`CASE WHEN ${archiverSchedules.enabled} = 1 THEN 1 END`) }).from(archiverSchedules),
  ]);

  const jobs: Record<JobStatus, number> = { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const row of jobRows) jobs[jobStatusOf(row.taskStatus ? { status: row.taskStatus } : undefined)] += row.n;
  const videos = new Map(videoRows.map((r) => [r.status, r.n]));
  const videosIn = (statuses: readonly ArchiverVideoStatus[]) => statuses.reduce((sum, s) => sum + (videos.get(s) ?? 0), 0);

  return {
    total_jobs: jobRows.reduce((sum, r) => sum + r.n, 0),
    pending_jobs: jobs.pending,
    running_jobs: jobs.running,
    completed_jobs: jobs.completed,
    failed_jobs: jobs.failed,
    total_videos: videoRows.reduce((sum, r) => sum + r.n, 0),
    downloaded_videos: videosIn(DOWNLOADED_STATUSES),
    uploaded_videos: videosIn(["uploaded"]),
    failed_videos: videosIn(["failed"]),
    total_storage_bytes: storage[0]?.bytes ?? 0,
    scheduled_jobs_count: schedules[0]?.total ?? 0,
    active_scheduled_jobs: schedules[0]?.enabled ?? 0,
  };
}

export async function databaseHealthy(env: Env): Promise<boolean> {
  try {
    return (await env.DB.prepare("SELECT 1 AS ok").first<{ ok: number }>())?.ok === 1;
  } catch {
    return false;
  }
}

/**
 * Google Drive. Not configured is healthy: videos then stay in the platform's store (R2) by design.
 * Configured: the service-account key must parse and its token endpoint must answer (any status below 500).
 *
 * To complete with the Drive client: check what delivery needs (a token exchange with the key), through the
 * client's own configuration parser, instead of this reachability probe.
 */
/** Drive takes deliveries (a token and the archive's root folder), or is not configured (videos stay in R2). */
export const driveHealthy = (env: Env): Promise<boolean> => driveReachable(env);

/** The cron ran a pass within HEARTBEAT_STALE_MS of `now`. */
export async function schedulerHealthy(env: Env, now: number): Promise<boolean> {
  try {
    const at = await lastCronHeartbeat(env);
    return at !== undefined && now - at <= HEARTBEAT_STALE_MS;
  } catch {
    return false;
  }
}

export async function healthReport(env: Env, now = Date.now()): Promise<HealthView> {
  const [database, google_drive, scheduler] = await Promise.all([databaseHealthy(env), driveHealthy(env), schedulerHealthy(env, now)]);
  return {
    status: database && google_drive && scheduler ? "healthy" : "degraded",
    version: PLATFORM_VERSION,
    timestamp: new Date(now).toISOString(),
    database,
    google_drive,
    scheduler,
  };
}
