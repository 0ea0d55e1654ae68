/**
 * POST /api/v1/process answering from its task, in the worker project (no transcoder here): a finished
 * process for the same caller, post and num_frames is answered as it is while its video and edit are
 * stored, and once the edit was collected the task is expired and run again instead of handing out a
 * path that no longer serves anything.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { scriptFromAnalysis } from "../../../../protocol/edit-script";
import { getDb } from "../../../../worker/db/client";
import { files, tasks } from "../../../../worker/db/schema";
import { STUDIO_PROCESS_KIND, type ProcessResult } from "../../../../worker/faces/studio/script/process-task";
import { patternBytes, seedNamedFile } from "../../support/files";
import { postJson } from "../../support/http";
import { insertTask } from "../../support/tasks";

async function finishedProcess(id: string) {
  await seedNamedFile(env, { namespace: "studio", name: `tiktok-${id}.mp4`, bytes: patternBytes(1000) });
  const edited = await seedNamedFile(env, { namespace: "studio", name: `tiktok-${id}-edited.mp4`, bytes: patternBytes(500) });
  const result: ProcessResult = {
    success: true,
    download: { success: true, file_path: `/api/v1/video/tiktok-${id}.mp4`, file_size: 1000, duration: 2, from_cache: false },
    script: scriptFromAnalysis({ durationSeconds: 2, width: 320, height: 568, frameRate: 30, hasAudio: true, frames: [], scenes: [], silences: [] }),
    edit: { success: true, output_path: `/api/v1/video/tiktok-${id}-edited.mp4`, file_size: 500, duration: 1.9, width: 320, height: 568 },
    processing_time: 12.5,
  };
  const task = await insertTask(env, {
    kind: STUDIO_PROCESS_KIND,
    status: "succeeded",
    attempts: 1,
    idempotencyKey: `studio.process:anon:${id}:3`,
    payload: { url: `https://www.tiktok.com/@studio/video/${id}`, numFrames: 3, ownerUserId: null },
    result,
    finishedAt: new Date(),
  });
  return { task, result, edited };
}

describe("POST /api/v1/process from a finished task", () => {
  it("should answer the finished task's body while its files are stored", async () => {
    const id = "7500000000000000001";
    const { result } = await finishedProcess(id);
    const res = await postJson("/api/v1/process", { url: `https://www.tiktok.com/@studio/video/${id}`, num_frames: 3 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(result);
  });

  it("should expire the task and run it again once its edit was collected", async () => {
    const id = "7500000000000000002";
    const { task, edited } = await finishedProcess(id);
    await env.MEDIA.delete(edited.key);
    await getDb(env).delete(files).where(eq(files.id, edited.file.id));
    const res = await postJson("/api/v1/process", { url: `https://www.tiktok.com/@studio/video/${id}`, num_frames: 3 });
    // Run again, it cannot finish here (no transcoder): never the stale answer.
    expect(res.status).not.toBe(200);
    const row = await getDb(env).select().from(tasks).where(eq(tasks.id, task.id)).get();
    expect(row?.status).not.toBe("succeeded");
    expect(row?.attempts).toBeGreaterThan(1);
  });
});
