/** The archiver's task kinds (registered in worker/task-kinds.ts). */
export const ARCHIVER_JOB_KIND = "archiver.job";
export const ARCHIVER_VIDEO_KIND = "archiver.video";
