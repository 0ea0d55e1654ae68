/**
 * The `studio.process` task's saved steps, in the worker project: there is no transcoder here (port 9), so
 * every attempt stops at the analysis — which is exactly the crash after the download the steps exist for.
 * A first attempt downloads (from a seeded fetch cache) and saves the step; an attempt that finds the step
 * saved goes on from it without submitting any fetch.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { tasks } from "../../../../worker/db/schema";
import { runProcessTask, STUDIO_PROCESS_KIND, type ProcessPayload } from "../../../../worker/faces/studio/script/process-task";
import { MEDIA_FETCH_KIND, mediaFetchKey } from "../../../../worker/media/fetch-media";
import { resolveSource } from "../../../../worker/sources/resolve";
import { WaitForChildren, type TaskRunContext } from "../../../../worker/tasks/registry";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { insertTask } from "../../support/tasks";

async function fetchKeyOf(url: string): Promise<string> {
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  return mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
}

/** One attempt of a process task, with the steps an earlier attempt saved; returns what this one saved and how it ended. */
async function attempt(payload: ProcessPayload, steps: Record<string, unknown>) {
  const task = await insertTask(env, { kind: STUDIO_PROCESS_KIND, payload, status: "running", attempts: steps.download ? 2 : 1, leaseToken: crypto.randomUUID() });
  const saved: Record<string, unknown> = {};
  const ctx: TaskRunContext = {
    env,
    task,
    progress: async () => {},
    signal: new AbortController().signal,
    steps,
    saveStep: async (name, result) => {
      saved[name] = result;
    },
    spawnChildren: async () => [],
    waitForChildren: () => new WaitForChildren(),
  };
  const outcome = await runProcessTask(ctx).then(
    () => ({ ok: true as const }),
    (err: unknown) => ({ ok: false as const, err }),
  );
  return { saved, outcome };
}

const fetchTasks = (key: string) =>
  getDb(env).select().from(tasks).where(and(eq(tasks.kind, MEDIA_FETCH_KIND), eq(tasks.idempotencyKey, key))).all();

describe("studio.process steps", () => {
  it("should save the download, then on the next attempt go on from it without fetching again", async () => {
    const url = "https://www.tiktok.com/@studio/video/7400000000000000001";
    const key = await fetchKeyOf(url);
    await seedSucceededFetch(env, { idempotencyKey: key, outputs: 1, lastAccessedAt: Date.now(), bytesPerOutput: 2048 });

    const first = await attempt({ url, numFrames: 3, ownerUserId: null }, {});
    // The analysis could not run (no transcoder): a retryable failure after the download step.
    expect(first.outcome).toMatchObject({ ok: false, err: { retryable: true } });
    expect(first.saved.download).toMatchObject({
      response: { success: true, file_path: "/api/v1/video/tiktok-7400000000000000001.mp4", file_size: 2048, from_cache: true },
      name: "tiktok-7400000000000000001.mp4",
    });
    expect(first.saved.script).toBeUndefined();

    // The cache entry goes away: a second download would have to submit a new fetch.
    await getDb(env).delete(tasks).where(eq(tasks.idempotencyKey, key));
    const second = await attempt({ url, numFrames: 3, ownerUserId: null }, first.saved);
    expect(second.outcome).toMatchObject({ ok: false, err: { retryable: true } });
    expect(second.saved.download).toBeUndefined();
    expect(await fetchTasks(key)).toHaveLength(0);
  });

  it("should end for good when the saved download's file was collected since", async () => {
    const url = "https://www.tiktok.com/@studio/video/7400000000000000002";
    const steps = {
      download: {
        response: { success: true, file_path: "/api/v1/video/tiktok-7400000000000000002.mp4", file_size: 10, duration: 1, from_cache: false },
        fileId: "collected-file",
        name: "tiktok-7400000000000000002.mp4",
      },
    };
    const { outcome } = await attempt({ url, numFrames: 3, ownerUserId: null }, steps);
    expect(outcome).toMatchObject({ ok: false, err: { code: "file.missing", retryable: false } });
    expect(await fetchTasks(await fetchKeyOf(url))).toHaveLength(0);
  });
});
