import type { MediaFetchResult } from "../../../worker/media/fetch-media";
import { MEDIA_FETCH_KIND } from "../../../worker/media/fetch-media";
import { registerFile } from "../../../worker/media/store";
import { patternBytes } from "./files";
import { insertTask } from "./tasks";

/**
 * A finished `media.fetch` task as the engine leaves it — outputs under the attempt's prefix, one `files`
 * row each, the result listing them — without running the transcoder: the state a cache hit starts from.
 */
export async function seedSucceededFetch(
  env: Env,
  opts: { idempotencyKey: string; outputs: number; lastAccessedAt: number; bytesPerOutput?: number },
) {
  const taskId = crypto.randomUUID();
  const size = opts.bytesPerOutput ?? 64;
  const outputs: MediaFetchResult["outputs"] = [];
  const keys: string[] = [];
  for (let index = 0; index < opts.outputs; index++) {
    const name = `item_${index + 1}.mp4`;
    const key = `tasks/${taskId}/a1/${name}`;
    const put = await env.MEDIA.put(key, patternBytes(size, index), { httpMetadata: { contentType: "video/mp4" } });
    const file = await registerFile(
      env,
      { key, size, contentType: "video/mp4", etag: put!.httpEtag, sourceTaskId: taskId },
      opts.lastAccessedAt,
    );
    outputs.push({ name, kind: "video", contentType: "video/mp4", size, index, fileId: file.id });
    keys.push(key);
  }
  const now = Date.now();
  const task = await insertTask(env, {
    id: taskId,
    kind: MEDIA_FETCH_KIND,
    status: "succeeded",
    attempts: 1,
    progress: 100,
    idempotencyKey: opts.idempotencyKey,
    payload: {},
    result: { title: "seeded", outputs } satisfies MediaFetchResult,
    finishedAt: new Date(now),
  });
  return { task, outputs, keys };
}
