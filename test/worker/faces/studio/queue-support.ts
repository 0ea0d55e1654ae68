/**
 * The queue tests' stack: the real Worker (API, engine, consumer) with its wake-ups sent to a real queue
 * that nothing consumes (TASKS_HELD, vitest.config.ts), so jobs pile up until the test drives the consumer.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { getDb } from "../../../../worker/db/client";
import { studioQueueJobs } from "../../../../worker/db/schema";
import worker from "../../../../worker/index";
import { BASE } from "../../support/http";
import { heldEnv } from "../../support/held-queue";
import { clearTasks } from "../../support/tasks";

export { heldEnv };

export async function api(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", `test-${crypto.randomUUID()}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/json");
  const ctx = createExecutionContext();
  return worker.fetch(new Request(`${BASE}${path}`, { ...init, headers }), heldEnv, ctx);
}

export const addJob = (body: unknown, headers: Record<string, string> = {}) =>
  api("/api/v1/queue/jobs", { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers });

/** One batch of `size` wake-ups through the Worker's real queue handler: `size` concurrent claims. */
export async function consumeBatch(size: number): Promise<void> {
  const batch = createMessageBatch(
    "media-tasks",
    Array.from({ length: size }, () => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body: { reason: "submitted" as const } })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch, heldEnv, ctx);
  await getQueueResult(batch, ctx);
}

export async function clearQueue(): Promise<void> {
  await getDb(env).delete(studioQueueJobs);
  await clearTasks(env);
}

export const tiktokUrl = (n: number) => `https://www.tiktok.com/@queue/video/${7100000000000000000n + BigInt(n)}`;
