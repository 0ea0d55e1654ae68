/**
 * A failed attempt of a media.fetch task leaves nothing behind: objects it wrote under its own prefix
 * (a transcoder that uploaded part of a post, then died) are removed when the attempt is recorded as failed.
 * In this project the transcoder is unreachable, so every attempt fails.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MEDIA_FETCH_KIND, type MediaFetchPayload } from "../../../worker/media/fetch-media";
import { getTask } from "../../../worker/tasks/engine";
import { runNextTask } from "../../../worker/tasks/consumer";
import { insertTask } from "../support/tasks";

describe("a failed media.fetch attempt", () => {
  it("should remove the objects it wrote under its attempt prefix, and only those", async () => {
    const payload: MediaFetchPayload = {
      service: "tiktok",
      sourceId: "6718335390845095173",
      canonicalUrl: "https://www.tiktok.com/@scout2015/video/6718335390845095173",
      fetchUrl: "https://www.tiktok.com/@scout2015/video/6718335390845095173",
      select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" },
    };
    const task = await insertTask(env, { kind: MEDIA_FETCH_KIND, payload, priority: 10 });
    // The claim makes this attempt 1: its prefix is tasks/<id>/a1.
    await env.MEDIA.put(`tasks/${task.id}/a1/0.mp4`, new Uint8Array(1000));
    await env.MEDIA.put(`tasks/${task.id}/a1/1.mp4`, new Uint8Array(10));
    await env.MEDIA.put(`tasks/${task.id}/a10/0.mp4`, new Uint8Array(10));

    const outcome = await runNextTask(env);
    expect(outcome).toMatchObject({ taskId: task.id, status: "queued" });
    expect((await getTask(env, task.id))?.errorCode).toBe("transcoder.unreachable");

    const left = await env.MEDIA.list({ prefix: `tasks/${task.id}/` });
    expect(left.objects.map((o) => o.key)).toEqual([`tasks/${task.id}/a10/0.mp4`]);
  });
});
