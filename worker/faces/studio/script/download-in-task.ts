/**
 * The process task's download, through the same shared `media.fetch` cache as POST /api/v1/download, but
 * without blocking a queue consumer on a task that needs another consumer: a task run that waited for a
 * queued fetch would hold the only batch local queues deliver at a time (and one of production's
 * consumers) until its timeout. So when the post's fetch task is queued, this run claims it and runs it
 * here; when it is running elsewhere or finished, `downloadVideo` waits for it or answers from it.
 */
import { resolveTikTokPost, tiktokPostFetch } from "../../../media/tiktok-post";
import { fetchFailureToError, MEDIA_FETCH_KIND, mediaFetchKey } from "../../../media/fetch-media";
import { runClaimedTask } from "../../../tasks/consumer";
import { claimTask, getTask, submitTask } from "../../../tasks/engine";
import { TaskError } from "../../../tasks/errors";
import { downloadVideo, type DownloadedVideo } from "../download";
import { STUDIO_FETCH_FAILURES } from "../failures";
import type { StudioCaller } from "../files";

export async function downloadInTask(env: Env, url: string, caller: StudioCaller, priority: number): Promise<DownloadedVideo> {
  const payload = tiktokPostFetch(await resolveTikTokPost(env, url));
  const submitted = await submitTask(env, { kind: MEDIA_FETCH_KIND, payload, idempotencyKey: mediaFetchKey(payload), priority, face: "studio", ownerUserId: caller });
  let fetchedHere = false;
  const claimed = await claimTask(env, submitted.task.id);
  if (claimed) {
    const outcome = await runClaimedTask(env, claimed);
    fetchedHere = true;
    if (outcome.status !== "succeeded") {
      const row = await getTask(env, claimed.id);
      if (outcome.status === "dead" && row?.errorCode) {
        throw fetchFailureToError({ kind: "failed", code: row.errorCode, message: row.errorMessage ?? "failed" }, STUDIO_FETCH_FAILURES);
      }
      throw new TaskError("download.incomplete", `the download ended ${outcome.status}${row?.errorMessage ? `: ${row.errorMessage}` : ""}`, true);
    }
  }
  const downloaded = await downloadVideo(env, url, caller, { priority });
  const startedByUs = fetchedHere || submitted.created || submitted.reopened;
  return startedByUs ? { ...downloaded, response: { ...downloaded.response, from_cache: false } } : downloaded;
}
