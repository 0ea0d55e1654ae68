/**
 * Every task kind the platform runs, registered in one visible place (rather than as import side effects),
 * so the queue consumer of a fresh isolate knows them all.
 */
import { MEDIA_FETCH_KIND, runMediaFetchTask } from "./media/fetch-media";
import { registerTaskKind } from "./tasks/registry";
import { markVideoFailed, runSocialVideoHlsTask, SOCIAL_VIDEO_HLS_KIND } from "./faces/social/hls-task";

export function registerTaskKinds(): void {
  registerTaskKind(MEDIA_FETCH_KIND, { run: runMediaFetchTask });
  registerTaskKind(SOCIAL_VIDEO_HLS_KIND, { run: runSocialVideoHlsTask, onEnded: (ctx, task) => markVideoFailed(ctx.env, task) });
}
