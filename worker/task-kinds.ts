/**
 * Every task kind the platform runs, registered in one visible place (rather than as import side effects),
 * so the queue consumer of a fresh isolate knows them all.
 */
import { MEDIA_FETCH_KIND, runMediaFetchTask } from "./media/fetch-media";
import { registerTaskKind } from "./tasks/registry";
import { onJobEnded, onVideoSettled, runArchiveJob } from "./faces/archiver/job-task";
import { ARCHIVER_JOB_KIND, ARCHIVER_VIDEO_KIND } from "./faces/archiver/kinds";
import { runArchiveVideo } from "./faces/archiver/video-task";
import { markVideoFailed, runSocialVideoHlsTask, SOCIAL_VIDEO_HLS_KIND } from "./faces/social/hls-task";
import { runCompressTask, STUDIO_COMPRESS_KIND } from "./faces/studio/compress/task";
import { runProcessTask, STUDIO_PROCESS_KIND } from "./faces/studio/script/process-task";
import { runAnalyzeTask, runEditTask, STUDIO_ANALYZE_KIND, STUDIO_EDIT_KIND } from "./faces/studio/script/tasks";
import { onProcessEnded } from "./faces/studio/webhooks/replies";

export function registerTaskKinds(): void {
  registerTaskKind(MEDIA_FETCH_KIND, { run: runMediaFetchTask });
  registerTaskKind(ARCHIVER_JOB_KIND, { run: runArchiveJob, onChildSettled: onVideoSettled, onEnded: (ctx, task) => onJobEnded(ctx.env, task) });
  registerTaskKind(ARCHIVER_VIDEO_KIND, { run: runArchiveVideo });
  registerTaskKind(STUDIO_PROCESS_KIND, { run: runProcessTask, onEnded: (ctx, task) => onProcessEnded(ctx.env, task) });
  registerTaskKind(STUDIO_COMPRESS_KIND, { run: runCompressTask });
  registerTaskKind(STUDIO_ANALYZE_KIND, { run: runAnalyzeTask });
  registerTaskKind(STUDIO_EDIT_KIND, { run: runEditTask });
  registerTaskKind(SOCIAL_VIDEO_HLS_KIND, { run: runSocialVideoHlsTask, onEnded: (ctx, task) => markVideoFailed(ctx.env, task) });
}
