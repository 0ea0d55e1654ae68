import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getConfig } from "../../../worker/env";
import { deletePrefix, ORPHAN_SWEEP_STATE_KEY, sweepOrphanObjects, TASK_OUTPUT_PREFIX } from "../../../worker/media/orphans";
import { registerFile } from "../../../worker/media/store";
import { runScheduled } from "../../../worker/scheduled";
import { insertTask } from "../support/tasks";

const leaseMs = () => getConfig(env).TASK_LEASE_SECONDS * 1000;

async function put(key: string): Promise<number> {
  const obj = await env.MEDIA.put(key, "bytes");
  return obj!.uploaded.getTime();
}
async function register(key: string): Promise<void> {
  const head = await env.MEDIA.head(key);
  await registerFile(env, { key, size: head!.size, contentType: "video/mp4", etag: head!.httpEtag });
}
async function exists(key: string): Promise<boolean> {
  return (await env.MEDIA.head(key)) !== null;
}
async function clearPrefix(prefix: string): Promise<void> {
  for (;;) {
    const page = await env.MEDIA.list({ prefix });
    if (page.objects.length === 0) return;
    await env.MEDIA.delete(page.objects.map((o) => o.key));
  }
}

describe("orphan sweep", () => {
  beforeEach(async () => {
    await clearPrefix(TASK_OUTPUT_PREFIX);
    await env.MEDIA.delete(ORPHAN_SWEEP_STATE_KEY);
  });

  it("should remove exactly the unreferenced objects older than the task lease, outside running attempts", async () => {
    const done = crypto.randomUUID(); // succeeded on its second attempt
    const failed = crypto.randomUUID(); // dead after one attempt
    const running = await insertTask(env, { status: "running", attempts: 1 });
    const keys = {
      firstAttemptOfDone: `tasks/${done}/a1/video.mp4`,
      firstAttemptPartial: `tasks/${done}/a1/video.part`,
      registeredOutput: `tasks/${done}/a2/video.mp4`,
      failedAttempt: `tasks/${failed}/a1/video.mp4`,
      runningAttempt: `tasks/${running.id}/a1/video.mp4`,
    };
    for (const key of Object.values(keys)) await put(key);
    await register(keys.registeredOutput);
    // A second later, so the sweep can be run at a moment when these are old and this one is not.
    await new Promise((r) => setTimeout(r, 1100));
    const young = `tasks/${crypto.randomUUID()}/a1/video.mp4`;
    const youngUploaded = await put(young);

    const counts = await sweepOrphanObjects(env, youngUploaded + leaseMs() - 1);

    expect(await exists(keys.firstAttemptOfDone)).toBe(false);
    expect(await exists(keys.firstAttemptPartial)).toBe(false);
    expect(await exists(keys.failedAttempt)).toBe(false);
    expect(await exists(keys.registeredOutput)).toBe(true);
    expect(await exists(keys.runningAttempt)).toBe(true);
    expect(await exists(young)).toBe(true);
    expect(counts).toMatchObject({ listed: 6, deleted: 3 });
  });

  it("should resume after the last key of the previous pass, and start over at the end", async () => {
    const orphans = ["b", "c", "d", "e", "f"].map((s) => `tasks/${s}/a1/out.mp4`);
    for (const key of orphans) await put(key);
    const later = Date.now() + leaseMs() + 60_000;
    const pass = () => sweepOrphanObjects(env, later, { pageSize: 2, pages: 1 });

    expect(await pass()).toMatchObject({ deleted: 2, wrapped: 0 });
    expect(await Promise.all(orphans.map(exists))).toEqual([false, false, true, true, true]);
    // Written before the remembered position: this pass cycle no longer reaches it.
    const behind = "tasks/a/a1/out.mp4";
    await put(behind);

    expect(await pass()).toMatchObject({ deleted: 2, wrapped: 0 });
    expect(await Promise.all(orphans.map(exists))).toEqual([false, false, false, false, true]);
    expect(await exists(behind)).toBe(true);

    expect(await pass()).toMatchObject({ deleted: 1, wrapped: 1 });
    expect(await env.MEDIA.head(ORPHAN_SWEEP_STATE_KEY)).toBeNull();
    expect(await pass()).toMatchObject({ deleted: 1 });
    expect(await exists(behind)).toBe(false);
  });

  it("should stay harmless when two passes overlap", async () => {
    const orphans = Array.from({ length: 30 }, (_, i) => `tasks/${String(i).padStart(2, "0")}/a1/out.mp4`);
    const kept = "tasks/zz/a1/kept.mp4";
    for (const key of [...orphans, kept]) await put(key);
    await register(kept);
    const later = Date.now() + leaseMs() + 60_000;
    const results = await Promise.all([sweepOrphanObjects(env, later), sweepOrphanObjects(env, later)]);
    expect(results.every((r) => r.listed === 31)).toBe(true);
    expect((await env.MEDIA.list({ prefix: TASK_OUTPUT_PREFIX })).objects.map((o) => o.key)).toEqual([kept]);
  });

  it("should run as a step of the cron pass", async () => {
    const orphan = `tasks/${crypto.randomUUID()}/a3/out.mp4`;
    await put(orphan);
    const report = await runScheduled(env, Date.now() + leaseMs() + 60_000);
    expect(report["sweep-orphan-objects"]).toMatchObject({ ok: true, counts: { deleted: 1 } });
    expect(await exists(orphan)).toBe(false);
  });
});

describe("deletePrefix", () => {
  it("should delete an attempt's unreferenced objects at once, and nothing of a longer-named sibling attempt", async () => {
    const task = crypto.randomUUID();
    const scratch = [`tasks/${task}/a1/video.mp4`, `tasks/${task}/a1/sub/thumb.jpg`];
    const registered = `tasks/${task}/a1/audio.m4a`;
    const sibling = `tasks/${task}/a10/video.mp4`;
    for (const key of [...scratch, registered, sibling]) await put(key);
    await register(registered);

    expect(await deletePrefix(env, `tasks/${task}/a1`)).toBe(2);
    expect(await Promise.all(scratch.map(exists))).toEqual([false, false]);
    expect(await exists(registered)).toBe(true);
    expect(await exists(sibling)).toBe(true);
  });

  it("should refuse an empty prefix rather than empty the bucket", async () => {
    await expect(deletePrefix(env, "")).rejects.toThrow(/non-empty prefix/);
  });
});
