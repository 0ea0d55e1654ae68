/**
 * Seed 003's core: /health, the cached download's answer from the shared fetch cache (from_cache, an opaque
 * file_path that GET serves), refusal of server paths, and STUDIO_API_TOKEN.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../../worker/app";
import { FACES } from "../../../../worker/faces/index";
import { resolveStudioFile } from "../../../../worker/faces/studio/files";
import { mediaFetchKey } from "../../../../worker/media/fetch-media";
import { resolveSource } from "../../../../worker/sources/resolve";
import { seedSucceededFetch } from "../../support/cached-fetch";
import { call, postJson } from "../../support/http";
import { createUser } from "../../support/users";

async function seedCachedVideo(url: string, bytes = 4096) {
  const resolved = await resolveSource(url, { allowed: ["tiktok"] });
  if (!resolved.ok) throw new Error(resolved.message);
  const key = mediaFetchKey({ service: "tiktok", sourceId: resolved.source.id, select: { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" } });
  await seedSucceededFetch(env, { idempotencyKey: key, outputs: 1, lastAccessedAt: Date.now(), bytesPerOutput: bytes });
  return resolved.source.id;
}

describe("GET /health", () => {
  it("should answer healthy with an ISO 8601 timestamp and the document's version", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; timestamp: string; version: string };
    expect(body.status).toBe("healthy");
    expect(body.version).toBe("3.0");
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  });
});

describe("POST /api/v1/download", () => {
  it("should answer a cached video with from_cache and a file_path that GET serves with Range", async () => {
    const id = await seedCachedVideo("https://www.tiktok.com/@studio/video/7000000000000000001");
    const res = await postJson("/api/v1/download", { url: "https://www.tiktok.com/@studio/video/7000000000000000001" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { success: boolean; file_path: string; file_size: number; duration: number; from_cache: boolean };
    expect(body).toMatchObject({ success: true, file_path: `/api/v1/video/tiktok-${id}.mp4`, file_size: 4096, from_cache: true });

    const whole = await call(body.file_path);
    expect(whole.status).toBe(200);
    expect((await whole.arrayBuffer()).byteLength).toBe(4096);
    const part = await call(body.file_path, { headers: { Range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("Content-Range")).toBe("bytes 0-99/4096");
    const etag = whole.headers.get("ETag");
    expect(etag).toBeTruthy();
    expect((await call(body.file_path, { headers: { "If-None-Match": etag! } })).status).toBe(304);
    expect((await call(body.file_path, { method: "HEAD" })).headers.get("Content-Length")).toBe("4096");
  });

  it("should refuse bodies and URLs in the document's error shape", async () => {
    for (const [body, status] of [
      [{}, 400],
      [{ url: "" }, 400],
      [{ url: "https://example.com/video.mp4" }, 400],
      ["{not json", 400],
    ] as const) {
      const res = await postJson("/api/v1/download", body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const err = (await res.json()) as { success: boolean; error: string };
      expect(err.success).toBe(false);
      expect(err.error.length).toBeGreaterThan(0);
    }
  });
});

describe("studio error shapes", () => {
  it("should answer 413, 415, unknown paths and wrong methods under its paths as {success: false, error}", async () => {
    const cases: [string, RequestInit, number][] = [
      ["/api/v1/download", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "url=x" }, 415],
      ["/api/v1/download", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: "x".repeat(1_100_000) }) }, 413],
      ["/api/v1/analytics/nope", {}, 404],
      ["/webhook/nope", {}, 404],
      ["/api/v1/download", { method: "GET" }, 405],
    ];
    for (const [path, init, status] of cases) {
      const res = await call(path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(status);
      const body = (await res.json()) as { success: boolean; error: string };
      expect(body.success).toBe(false);
      expect(typeof body.error).toBe("string");
    }
  });
});

describe("studio file paths", () => {
  it("should refuse server paths, traversal and foreign URLs before any lookup, and hide other accounts' files", async () => {
    for (const raw of ["/tmp/video.mp4", "../secret.mp4", "/api/v1/video/../x.mp4", "https://evil.test/api/v1/video/x.mp4", "/api/v1/video/a%2Fb.mp4"]) {
      await expect(resolveStudioFile(env, raw, null, "video_path"), raw).rejects.toMatchObject({ status: 400 });
    }
    const id = await seedCachedVideo("https://www.tiktok.com/@studio/video/7000000000000000002");
    const owner = await createUser(env);
    const res = await postJson("/api/v1/download", { url: "https://www.tiktok.com/@studio/video/7000000000000000002" }, owner.auth);
    expect(res.status).toBe(200);
    const { file_path } = (await res.json()) as { file_path: string };
    await expect(resolveStudioFile(env, file_path, owner.user.id, "video_path")).resolves.toMatchObject({ name: { publicName: `tiktok-${id}.mp4` } });
    const other = await createUser(env);
    await expect(resolveStudioFile(env, file_path, other.user.id, "video_path")).rejects.toMatchObject({ status: 404 });
    await expect(resolveStudioFile(env, file_path, null, "video_path")).rejects.toMatchObject({ status: 404 });
    expect((await call(file_path, { headers: other.auth })).status).toBe(404);
  });
});

describe("STUDIO_API_TOKEN", () => {
  const app = createApp(FACES);
  const configured = { ...env, STUDIO_API_TOKEN: "s3cret-studio-token" };
  const send = (path: string, headers: Record<string, string> = {}) =>
    app.fetch(new Request(`http://platform.test${path}`, { headers: { "CF-Connecting-IP": crypto.randomUUID(), ...headers } }), configured, createExecutionContext());

  it("should answer 401 {error: Unauthorized} without the token or with a wrong one, and accept it, a JWT or an API key", async () => {
    const refused: Record<string, string>[] = [{}, { Authorization: "Bearer wrong-token" }, { Authorization: "s3cret-studio-token" }];
    for (const headers of refused) {
      const res = await send("/api/v1/video/none.mp4", headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
    }
    expect((await send("/api/v1/video/none.mp4", { Authorization: "Bearer s3cret-studio-token" })).status).toBe(404);
    const user = await createUser(env);
    expect((await send("/api/v1/video/none.mp4", user.auth)).status).toBe(404);
    // Health checks stay open.
    expect((await send("/health")).status).toBe(200);
  });

  it("should leave the routes public while the token is unset", async () => {
    const res = await call("/api/v1/video/none.mp4");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, error: "File not found" });
  });
});
