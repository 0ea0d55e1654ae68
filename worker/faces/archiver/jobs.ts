/**
 * Seed 004's jobs without HTTP. A job is an `archiver.job` task (same id) plus its row here: the task engine
 * owns status, progress and the video counters (exact under redelivery and crashes), this module owns the
 * document's fields, the job's videos and removal.
 */
import { desc, eq, inArray } from "drizzle-orm";
import { getDb } from "../../db/client";
import { chunksOf, D1_MAX_BOUND_PARAMETERS } from "../../db/d1-limits";
import { archiverJobs, archiverJobVideos, archiverVideos, tasks, type ArchiverJobRow, type ArchiverVideoRow } from "../../db/schema";
import { getConfig } from "../../env";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { downloadUrlFor } from "../../media/signed-urls";
import { deleteFiles, getFilesByIds } from "../../media/store";
import { cancelTask } from "../../tasks/cancel";
import { submitTask } from "../../tasks/engine";
import { publishJobEvent } from "./events";
import { ARCHIVER_JOB_KIND } from "./kinds";
import { presentJob, presentVideoBrief, TASK_STATUSES_OF } from "./presenters";
import type { JobCreateInput, JobStatus, JobView } from "./schemas";

export const MESSAGES = {
  jobMissing: "Job not found",
  videoMissing: "Video not found",
} as const;

export interface JobSource {
  mode: ArchiverJobRow["mode"];
  value: string;
  limit: number;
  noWatermark: boolean;
  since?: Date | null;
  until?: Date | null;
  driveFolderId?: string | null;
}

/**
 * Creates the job row and its task. `id` lets a caller make creation idempotent (a schedule's run for one
 * slot): a second call with the same id finds the row and joins the same task.
 */
export async function createJob(env: Env, source: JobSource, opts: { id?: string; scheduleId?: string; ownerUserId?: number | null } = {}): Promise<JobView> {
  const db = getDb(env);
  const id = opts.id ?? newId();
  const inserted = await db
    .insert(archiverJobs)
    .values({
      id,
      mode: source.mode,
      value: source.value,
      limit: source.limit,
      noWatermark: source.noWatermark,
      since: source.since ?? null,
      until: source.until ?? null,
      driveFolderId: source.driveFolderId ?? null,
      scheduleId: opts.scheduleId ?? null,
      ownerUserId: opts.ownerUserId ?? null,
      createdAt: new Date(),
    })
    .onConflictDoNothing()
    .returning({ id: archiverJobs.id });
  // A job that exists already keeps its task as it is (a failed one is not run again by a repeated call);
  // only a row left without its task (a crash between the two writes) gets it now.
  const hasTask = inserted.length === 0 && !!(await db.select({ id: tasks.id }).from(tasks).where(eq(tasks.id, id)).get());
  if (!hasTask) {
    await submitTask(env, { id, kind: ARCHIVER_JOB_KIND, payload: { jobId: id }, idempotencyKey: `${ARCHIVER_JOB_KIND}:${id}`, face: "archiver", ownerUserId: opts.ownerUserId ?? null });
  }
  return getJob(env, id);
}

export const jobSourceOf = (input: JobCreateInput): JobSource => ({
  mode: input.mode,
  value: input.value,
  limit: input.limit,
  noWatermark: input.no_watermark,
  since: input.since ? new Date(input.since) : null,
  until: input.until ? new Date(input.until) : null,
  driveFolderId: input.drive_folder_id ?? null,
});

const jobWithTask = (env: Env) =>
  getDb(env)
    .select({ job: archiverJobs, task: tasks })
    .from(archiverJobs)
    .leftJoin(tasks, eq(tasks.id, archiverJobs.id));

export async function getJob(env: Env, id: string): Promise<JobView> {
  const row = await jobWithTask(env).where(eq(archiverJobs.id, id)).get();
  if (!row) throw new AppError(404, MESSAGES.jobMissing, "job.missing");
  return presentJob(row.job, row.task ?? undefined);
}

export async function listJobs(env: Env, q: { status?: JobStatus; limit: number; offset: number }): Promise<JobView[]> {
  const where = q.status ? inArray(tasks.status, TASK_STATUSES_OF[q.status]) : undefined;
  const rows = await jobWithTask(env).where(where).orderBy(desc(archiverJobs.createdAt), desc(archiverJobs.id)).limit(q.limit).offset(q.offset);
  return rows.map((r) => presentJob(r.job, r.task ?? undefined));
}

/** The job's videos in the order it found them (at most `JOB_VIDEOS_SHOWN`; a job has at most 200). */
const JOB_VIDEOS_SHOWN = 500;

export async function jobVideos(env: Env, jobId: string): Promise<ArchiverVideoRow[]> {
  const rows = await getDb(env)
    .select({ video: archiverVideos })
    .from(archiverJobVideos)
    .innerJoin(archiverVideos, eq(archiverVideos.id, archiverJobVideos.videoId))
    .where(eq(archiverJobVideos.jobId, jobId))
    .orderBy(archiverJobVideos.position)
    .limit(JOB_VIDEOS_SHOWN);
  return rows.map((r) => r.video);
}

/**
 * Where each delivered video can be fetched: its Drive links, or (Drive not configured) signed, expiring
 * links to the platform's own copy.
 */
export async function driveLinksOf(env: Env, videos: ArchiverVideoRow[]) {
  const delivered = videos.filter((v) => v.status === "uploaded");
  const local = delivered.filter((v) => !v.driveFileId);
  const fileIds = local.flatMap((v) => [v.fileId, v.metadataFileId]).filter((id): id is string => !!id);
  const filesById = new Map((await getFilesByIds(env, fileIds)).map((f) => [f.id, f]));
  const ttl = getConfig(env).ARCHIVER_SIGNED_URL_TTL_SECONDS;
  const signed = async (fileId: string | null) => {
    const file = fileId ? filesById.get(fileId) : undefined;
    return file ? downloadUrlFor(env, file.r2Key, ttl) : null;
  };
  const links = [];
  for (const v of delivered) {
    if (v.driveFileId) {
      links.push({ video_id: v.id, video_link: v.driveVideoLink ?? `https://drive.google.com/file/d/${v.driveFileId}/view`, metadata_link: v.driveMetadataLink, folder_path: v.folderPath });
      continue;
    }
    const videoLink = await signed(v.fileId);
    if (videoLink) links.push({ video_id: v.id, video_link: videoLink, metadata_link: await signed(v.metadataFileId), folder_path: v.folderPath });
  }
  return links;
}

export async function getJobDetail(env: Env, id: string) {
  const job = await getJob(env, id);
  const videos = await jobVideos(env, id);
  return { job, videos: videos.map(presentVideoBrief), drive_links: await driveLinksOf(env, videos) };
}

/** Stops pending work: videos not started never start, a running download aborts at its next heartbeat. */
export async function cancelJob(env: Env, id: string): Promise<JobView> {
  const job = await getJob(env, id);
  if (job.status === "completed" || job.status === "failed" || job.status === "cancelled") return job;
  await cancelTask(env, id);
  await publishJobEvent(env, id);
  return getJob(env, id);
}

/**
 * Removes the job, the videos it archived (rows and stored files; Drive copies stay, as for a video), and
 * its links to videos other jobs archived. A running job is cancelled first.
 */
export async function deleteJob(env: Env, id: string): Promise<void> {
  const db = getDb(env);
  const job = await db.select({ id: archiverJobs.id }).from(archiverJobs).where(eq(archiverJobs.id, id)).get();
  if (!job) throw new AppError(404, MESSAGES.jobMissing, "job.missing");
  await cancelTask(env, id);
  const owned = await db
    .select({ fileId: archiverVideos.fileId, metadataFileId: archiverVideos.metadataFileId })
    .from(archiverVideos)
    .where(eq(archiverVideos.jobId, id));
  // Rows first (videos, hashtags and links go with the job by foreign key), then the objects.
  await db.delete(archiverJobs).where(eq(archiverJobs.id, id));
  const fileIds = owned.flatMap((v) => [v.fileId, v.metadataFileId]).filter((f): f is string => !!f);
  if (fileIds.length > 0) await deleteFiles(env, fileIds);
}

/** Rows per multi-row INSERT of `columns` bound parameters each. */
export const rowsPerInsert = (columns: number) => Math.max(1, Math.floor(D1_MAX_BOUND_PARAMETERS / columns));

/** The job's found videos: new ones inserted as pending, known ones linked (never downloaded again). */
export async function recordFoundVideos(
  env: Env,
  job: ArchiverJobRow,
  found: { id: string; url: string; folderPath: string; createdAtTiktok: Date | null }[],
): Promise<void> {
  if (found.length === 0) return;
  const db = getDb(env);
  const now = new Date();
  const videoRows = found.map((f) => ({
    id: f.id,
    jobId: job.id,
    mode: job.mode,
    value: job.value,
    url: f.url,
    folderPath: f.folderPath,
    createdAtTiktok: f.createdAtTiktok,
    createdAt: now,
    updatedAt: now,
  }));
  const paramsPerVideo = db.insert(archiverVideos).values(videoRows[0]!).toSQL().params.length;
  for (const part of chunksOf(videoRows, rowsPerInsert(paramsPerVideo))) {
    await db.insert(archiverVideos).values(part).onConflictDoNothing();
  }
  const links = found.map((f, position) => ({ jobId: job.id, videoId: f.id, position }));
  for (const part of chunksOf(links, rowsPerInsert(3))) {
    await db.insert(archiverJobVideos).values(part).onConflictDoNothing();
  }
}
