/**
 * POST /api/v1/compress in the worker project (no transcoder here): what is refused before any encode, and
 * a repeat of a finished compression answered from its task without encoding again.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { compressTaskKey, STUDIO_COMPRESS_KIND, type CompressTaskResult } from "../../../../worker/faces/studio/compress/task";
import { resolveStudioFile } from "../../../../worker/faces/studio/files";
import { mediaFetchKey } from "../../../../worker/media/fetch-media";
import { registerFile } from "../../../../worker/media/store";
import { resolveSource } from "../../../../worker/sources/resolve";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { patternBytes } from "../../support/files";
import { call, postJson } from "../../support/http";
import { insertTask } from "../../support/tasks";

/** A downloaded studio file (through the real download route, from a seeded fetch cache); returns its file_path. */
async function downloadedVideo(id: string, bytes = 4096): Promise<string> {
  const url = `https://www.tiktok.com/@studio/video/${id}`;
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  const key = mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
  await seedSucceededFetch(env, { idempotencyKey: key, outputs: 1, lastAccessedAt: Date.now(), bytesPerOutput: bytes });
  const res = await postJson("/api/v1/download", { url });
  expect(res.status).toBe(200);
  return ((await res.json()) as { file_path: string }).file_path;
}

async function expectRefused(body: unknown, status: number, mentions?: RegExp) {
  const res = await postJson("/api/v1/compress", body);
  const err = (await res.json()) as { success: boolean; error: string };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(err.success).toBe(false);
  if (mentions) expect(err.error, JSON.stringify(body)).toMatch(mentions);
}

describe("POST /api/v1/compress: refusals", () => {
  it("should answer 400 for a missing path, a bad quality and a target that is not above zero", async () => {
    const path = await downloadedVideo("7100000000000000001");
    await expectRefused({}, 400);
    await expectRefused({ target_size_mb: 5 }, 400, /input_path/);
    await expectRefused({ input_path: path }, 400, /target_size_mb/);
    await expectRefused({ input_path: path, target_size_mb: 5, quality: "ultra" }, 400, /quality/);
    for (const target of [0, -1, "5"]) await expectRefused({ input_path: path, target_size_mb: target }, 400, /target_size_mb/);
    await expectRefused("{not json", 400);
  });

  it("should refuse server paths and traversal (400), an unknown file (404) and a target over the size limit (400)", async () => {
    for (const raw of ["/tmp/video.mp4", "../etc/passwd", "/api/v1/video/../x.mp4", "https://evil.test/api/v1/video/x.mp4"]) {
      await expectRefused({ input_path: raw, target_size_mb: 1 }, 400, /input_path/);
    }
    await expectRefused({ input_path: "/api/v1/video/nothing-here.mp4", target_size_mb: 1 }, 404);
    const path = await downloadedVideo("7100000000000000002");
    await expectRefused({ input_path: path, target_size_mb: 7999 }, 400, /at most/);
  });
});

describe("POST /api/v1/compress: a finished compression", () => {
  it("should answer a repeat from the compression task of (file, target, quality) and serve its output", async () => {
    const path = await downloadedVideo("7100000000000000003", 80_000);
    const input = await resolveStudioFile(env, path, null, "input_path");
    const taskId = crypto.randomUUID();
    const key = `tasks/${taskId}/a1/compressed.mp4`;
    const put = await env.MEDIA.put(key, patternBytes(29_000, 7), { httpMetadata: { contentType: "video/mp4" } });
    const output = await registerFile(env, { key, size: 29_000, contentType: "video/mp4", etag: put!.httpEtag, sourceTaskId: taskId });
    const result: CompressTaskResult = { fileId: output.id, size: 29_000, targetBytes: 30_000, ratio: 0.9667, durationSeconds: 2.04 };
    await insertTask(env, {
      id: taskId,
      kind: STUDIO_COMPRESS_KIND,
      status: "succeeded",
      attempts: 1,
      progress: 100,
      idempotencyKey: compressTaskKey({ fileId: input.file.id, targetBytes: 30_000, quality: "high" }),
      payload: { fileId: input.file.id, targetBytes: 30_000, quality: "high" },
      result,
      finishedAt: new Date(),
    });

    const res = await postJson("/api/v1/compress", { input_path: path, target_size_mb: 0.03, quality: "high" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      output_path: "/api/v1/video/tiktok-7100000000000000003-0.03mb-high.mp4",
      file_size: 29_000,
      original_size: 80_000,
      target_size_mb: 0.03,
      ratio: 0.9667,
      duration: 2.04,
      quality: "high",
    });
    const served = await call("/api/v1/video/tiktok-7100000000000000003-0.03mb-high.mp4");
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(patternBytes(29_000, 7));
  });
});
