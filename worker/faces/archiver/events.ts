/**
 * Live progress of an archive job on its own JobProgress channel (`archiver-job:<id>`, what
 * `/ws/jobs/{job_id}` subscribes to): the job in the document's words after every change — a video's
 * status, a settled video (counters), the job's end — and the video that changed. Published right after
 * the D1 write it reports, so a watcher hears of it within one Durable Object round trip. Best effort: D1
 * stays the truth, and a late joiner first receives the last state.
 */
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { archiverJobs, tasks, type ArchiverVideoRow } from "../../db/schema";
import type { JobEvent } from "../../durable/progress-event";
import { channelStub } from "../../tasks/events";
import { presentJob } from "./presenters";

export const jobChannel = (jobId: string) => `archiver-job:${jobId}`;

export async function publishJobEvent(env: Env, jobId: string, changed?: ArchiverVideoRow): Promise<void> {
  try {
    const row = await getDb(env)
      .select({ job: archiverJobs, task: tasks })
      .from(archiverJobs)
      .leftJoin(tasks, eq(tasks.id, archiverJobs.id))
      .where(eq(archiverJobs.id, jobId))
      .get();
    if (!row) return;
    const job = presentJob(row.job, row.task ?? undefined);
    const event: JobEvent = {
      type: "job",
      taskId: jobId,
      job: {
        id: job.id,
        status: job.status,
        progress: job.progress,
        total_videos: job.total_videos,
        successful_downloads: job.successful_downloads,
        failed_downloads: job.failed_downloads,
      },
      video: changed
        ? { id: changed.id, status: changed.status, error_message: changed.errorMessage, file_size: changed.fileSize, drive_file_id: changed.driveFileId }
        : undefined,
      final: job.status === "completed" || job.status === "failed" || job.status === "cancelled",
      at: Date.now(),
    };
    await channelStub(env, jobChannel(jobId)).publish(event);
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", event: "archiver.publish_failed", jobId, error: String(err) }));
  }
}
