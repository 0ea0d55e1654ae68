/**
 * What the webhook tests need besides HTTP: ending a `studio.process` task the way the engine leaves it
 * (without the transcoder, which the worker project has not), and an edited video stored under a studio
 * name, as the process task's edit step leaves it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { createApp } from "../../../../worker/app";
import { getDb } from "../../../../worker/db/client";
import { tasks, type TaskRow } from "../../../../worker/db/schema";
import { FACES } from "../../../../worker/faces/index";
import { nameStudioFile } from "../../../../worker/faces/studio/files";
import { registerFile } from "../../../../worker/media/store";

const app = createApp(FACES);

/**
 * One request through the app with `env` (the test's settings), then every waitUntil it started (the
 * replies sent after the response) has finished.
 */
export async function send(env: Env, path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", `test-${crypto.randomUUID()}`);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`http://platform.test${path}`, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * Ends the task as the engine does (status, result or error, no lease). The lease is cleared, so a queue
 * consumer that claimed the task meanwhile cannot overwrite this end with its own.
 */
export async function endTask(
  env: Env,
  id: string,
  end: { status: "succeeded"; result: unknown } | { status: "dead"; errorMessage: string; errorCode?: string } | { status: "cancelled" },
): Promise<TaskRow> {
  const now = new Date();
  const [row] = await getDb(env)
    .update(tasks)
    .set({
      status: end.status,
      result: end.status === "succeeded" ? end.result : null,
      errorCode: end.status === "dead" ? (end.errorCode ?? "test.failed") : end.status === "cancelled" ? "task.cancelled" : null,
      errorMessage: end.status === "dead" ? end.errorMessage : null,
      leaseToken: null,
      leaseUntil: null,
      finishedAt: now,
      updatedAt: now,
    })
    .where(eq(tasks.id, id))
    .returning();
  if (!row) throw new Error(`no task ${id}`);
  return row;
}

/** Stores `bytes` as an anonymous studio file and returns its file_path (what the edit step reports). */
export async function storeEditedVideo(env: Env, bytes: Uint8Array): Promise<string> {
  const id = crypto.randomUUID();
  const key = `tasks/${id}/a1/edit.mp4`;
  const put = await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: "video/mp4" } });
  const file = await registerFile(env, { key, size: bytes.byteLength, contentType: "video/mp4", etag: put!.httpEtag });
  return nameStudioFile(env, `edit-${id}.mp4`, file.id, null);
}

export async function tasksWithKey(env: Env, idempotencyKey: string): Promise<TaskRow[]> {
  return getDb(env).select().from(tasks).where(eq(tasks.idempotencyKey, idempotencyKey));
}
