/**
 * A synchronous face answers an unreachable source at the first failed attempt (502 naming the host),
 * while the task waits for its next retry, instead of holding the request through every backoff. The
 * e2e test does it with the real transcoder and a dead port; this one starts from the state an attempt
 * leaves behind, so it isolates the waiting rule.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MEDIA_FETCH_KIND, mediaFetchKey } from "../../../../worker/media/fetch-media";
import { getTask } from "../../../../worker/tasks/engine";
import { resolveSource } from "../../../../worker/sources/resolve";
import { postJson } from "../../support/http";
import { insertTask } from "../../support/tasks";

async function saverKeyFor(url: string): Promise<string> {
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  return mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
}

describe("POST /download of an unreachable source", () => {
  it("should answer 502 naming the host at once, leaving the task queued for its retry", async () => {
    const url = "https://www.tiktok.com/@scout2015/video/6718335390845095001";
    const task = await insertTask(env, {
      id: crypto.randomUUID(),
      kind: MEDIA_FETCH_KIND,
      status: "queued",
      attempts: 1,
      idempotencyKey: await saverKeyFor(url),
      payload: {},
      errorCode: "source.unreachable",
      errorMessage: "could not reach www.tiktok.com (getaddrinfo ENOTFOUND www.tiktok.com)",
      runAfter: new Date(Date.now() + 3600_000),
    });
    const started = Date.now();
    const res = await postJson("/download", { url });
    expect(res.status).toBe(502);
    const detail = "Could not reach www.tiktok.com (getaddrinfo ENOTFOUND www.tiktok.com)";
    expect(await res.json()).toEqual({ detail, message: detail });
    // SYNC_TASK_TIMEOUT_SECONDS is 5 in this project: waiting for the retry would have answered 504.
    expect(Date.now() - started).toBeLessThan(4000);
    expect((await getTask(env, task.id))?.status).toBe("queued");
  });
});
