/** Rows → the document's JSON shapes. */
import type { ArchiverJobRow, ArchiverVideoRow, TaskRow } from "../../db/schema";
import type { JobStatus, JobView, VideoView } from "./schemas";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The job's status in the document's words, from its task's. */
export function jobStatusOf(task: Pick<TaskRow, "status"> | undefined): JobStatus {
  switch (task?.status) {
    case "running":
    case "waiting":
      return "running";
    case "succeeded":
    case "expired":
      return "completed";
    case "dead":
      return "failed";
    case "cancelled":
      return "cancelled";
    default:
      return "pending";
  }
}

/** Task statuses behind each job status (the inverse of `jobStatusOf`), for filters in SQL. */
export const TASK_STATUSES_OF: Record<JobStatus, TaskRow["status"][]> = {
  pending: ["queued"],
  running: ["running", "waiting"],
  completed: ["succeeded", "expired"],
  failed: ["dead"],
  cancelled: ["cancelled"],
};

export type JobTask = Pick<
  TaskRow,
  "status" | "progress" | "childrenTotal" | "childrenSucceeded" | "childrenFailed" | "errorMessage" | "finishedAt"
>;

export function presentJob(job: ArchiverJobRow, task: JobTask | undefined): JobView {
  const status = jobStatusOf(task);
  return {
    id: job.id,
    mode: job.mode,
    value: job.value,
    limit: job.limit,
    no_watermark: job.noWatermark,
    since: iso(job.since),
    until: iso(job.until),
    drive_folder_id: job.driveFolderId,
    schedule_id: job.scheduleId,
    status,
    progress: status === "completed" ? 100 : (task?.progress ?? 0),
    total_videos: task?.childrenTotal ?? 0,
    successful_downloads: task?.childrenSucceeded ?? 0,
    failed_downloads: task?.childrenFailed ?? 0,
    error: status === "failed" ? (task?.errorMessage ?? null) : null,
    created_at: job.createdAt.toISOString(),
    completed_at: status === "completed" || status === "failed" || status === "cancelled" ? iso(task?.finishedAt ?? job.completedAt) : null,
  };
}

export function presentVideo(v: ArchiverVideoRow): VideoView {
  return {
    id: v.id,
    job_id: v.jobId,
    url: v.url,
    desc: v.desc,
    author_username: v.authorUsername,
    author_nickname: v.authorNickname,
    views: v.views,
    likes: v.likes,
    comments: v.comments,
    shares: v.shares,
    created_at_tiktok: iso(v.createdAtTiktok),
    hashtags: v.hashtags,
    music_title: v.musicTitle,
    has_watermark: v.hasWatermark,
    file_size: v.fileSize,
    duration: v.duration,
    drive_file_id: v.driveFileId,
    drive_folder_path: v.folderPath,
    status: v.status,
    error_message: v.errorMessage,
  };
}

export const presentVideoBrief = (v: ArchiverVideoRow) => ({
  id: v.id,
  url: v.url,
  author_username: v.authorUsername,
  status: v.status,
  views: v.views,
  likes: v.likes,
  drive_file_id: v.driveFileId,
});
