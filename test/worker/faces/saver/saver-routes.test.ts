import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { patternBytes, seedNamedFile } from "../../support/files";
import { call, postJson } from "../../support/http";

const SIZE = 100_000;
const bytes = patternBytes(SIZE);

describe("POST /download — documented errors", () => {
  it("should answer a missing url with the documented validation error (422)", async () => {
    const res = await postJson("/download", {});
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      message: "Validation Error",
      detail: [{ loc: ["body", "url"], msg: "field required", type: "value_error.missing" }],
    });
  });

  it.each([
    [{ url: 123 }, "str type expected"],
    [{ url: null }, "field required"],
    [{ url: ["https://www.tiktok.com/@a/video/1"] }, "str type expected"],
  ])("should answer a wrongly typed url %j with 422", async (body, msg) => {
    const res = await postJson("/download", body);
    expect(res.status).toBe(422);
    const json = (await res.json()) as { message: string; detail: { loc: unknown[]; msg: string }[] };
    expect(json.message).toBe("Validation Error");
    expect(json.detail[0]).toMatchObject({ loc: ["body", "url"], msg });
  });

  it.each(["{not json", "", "[1,2", "\u0000"])("should answer a body that is not JSON (%j) with 422 jsondecode", async (body) => {
    const res = await postJson("/download", body);
    expect(res.status).toBe(422);
    const json = (await res.json()) as { detail: { type: string }[] };
    expect(json.detail[0]?.type === "value_error.jsondecode" || json.detail[0]?.type === "value_error.missing").toBe(true);
  });

  it("should refuse a body of another media type with 415 in the documented shape", async () => {
    const res = await call("/download", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "url=x" });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ detail: "Unsupported Media Type", message: "Unsupported Media Type" });
  });

  it("should answer an empty url with 400 and both documented fields", async () => {
    const res = await postJson("/download", { url: "  " });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: "URL is required", message: "URL is required" });
  });

  it.each([
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "file:///etc/passwd",
    "http://127.0.0.1:8787/stream/x",
    "http://169.254.169.254/latest/meta-data/",
    "https://www.tiktok.com/@someone",
    "gopher://www.tiktok.com/@a/video/1",
  ])("should refuse %s with 400 in the documented shape", async (url) => {
    const res = await postJson("/download", { url });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { detail: string; message: string };
    expect(json.detail).toMatch(/^Invalid TikTok URL/);
    expect(json.message).toBe(json.detail);
  });

  it("should ignore unknown fields", async () => {
    const res = await postJson("/download", { url: "", extra: { nested: true } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ detail: "URL is required" });
  });

  it("should refuse a body over the configured limit with 413 before reading it", async () => {
    const huge = JSON.stringify({ url: "x".repeat(Number(env.MAX_BODY_BYTES) + 10) });
    const res = await postJson("/download", huge);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/exceeds/), message: expect.any(String) });
  });

  it("should refuse a streamed body without Content-Length once it passes the limit", async () => {
    const limit = Number(env.MAX_BODY_BYTES);
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > limit * 2) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await call("/download", { method: "POST", headers: { "Content-Type": "application/json" }, body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/exceeds/) });
  });

  it("should answer 504 in the documented shape when the download does not finish in time", async () => {
    // No transcoder listens in workerd tests: the task keeps retrying and the synchronous wait times out.
    const res = await postJson("/download", { url: "https://www.tiktok.com/@nobody/video/99999" });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ detail: expect.stringMatching(/repeat the request/), message: expect.any(String) });
  });
});

describe("GET /stream/{filename}", () => {
  beforeAll(async () => {
    await seedNamedFile(env, { namespace: "saver", name: "312132123123132.mp4", bytes, contentType: "video/mp4" });
  });

  it("should stream the whole file with length, type, etag and range support advertised", async () => {
    const res = await call("/stream/312132123123132.mp4");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Length")).toBe(String(SIZE));
    expect(res.headers.get("Content-Type")).toBe("video/mp4");
    expect(res.headers.get("Accept-Ranges")).toBe("bytes");
    expect(res.headers.get("ETag")).toMatch(/^"/);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=500-", 500, SIZE - 1],
    ["bytes=-1024", SIZE - 1024, SIZE - 1],
    ["bytes=99990-200000", 99990, SIZE - 1],
  ])("should answer %s with 206 and exactly those bytes", async (range, start, end) => {
    const res = await call("/stream/312132123123132.mp4", { headers: { Range: range } });
    expect(res.status).toBe(206);
    expect(res.headers.get("Content-Range")).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(res.headers.get("Content-Length")).toBe(String(end - start + 1));
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes.slice(start, end + 1));
  });

  it.each(["bytes=100000-", "bytes=200000-300000", "bytes=-0"])("should answer %s with 416 and bytes */size", async (range) => {
    const res = await call("/stream/312132123123132.mp4", { headers: { Range: range } });
    expect(res.status).toBe(416);
    expect(res.headers.get("Content-Range")).toBe(`bytes */${SIZE}`);
    await res.arrayBuffer();
  });

  it.each(["bytes=0-1,5-9", "bytes=abc", "lines=1-2", "bytes=9-3"])("should ignore a malformed or multi-range header %s (200, full body)", async (range) => {
    const res = await call("/stream/312132123123132.mp4", { headers: { Range: range } });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(SIZE);
  });

  it("should answer HEAD with the headers of GET and no body", async () => {
    const res = await call("/stream/312132123123132.mp4", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Length")).toBe(String(SIZE));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
    const partial = await call("/stream/312132123123132.mp4", { method: "HEAD", headers: { Range: "bytes=0-9" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("Content-Range")).toBe(`bytes 0-9/${SIZE}`);
  });

  it("should answer a matching If-None-Match with 304", async () => {
    const etag = (await call("/stream/312132123123132.mp4", { method: "HEAD" })).headers.get("ETag")!;
    const res = await call("/stream/312132123123132.mp4", { headers: { "If-None-Match": etag } });
    expect(res.status).toBe(304);
  });

  it("should answer an unknown file with the documented 404", async () => {
    const res = await call("/stream/nope.mp4");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "File not found", message: "File not found" });
  });

  it.each([
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2fwrangler.toml",
    "..%5C..%5Cwindows",
    "312132123123132.mp4%00.jpg",
    "a%2Fb.mp4",
    ".hidden",
  ])("should never resolve the path-like name %s", async (name) => {
    const res = await call(`/stream/${name}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ detail: expect.any(String), message: expect.any(String) });
  });

  it("should not escape the route with a dot-dot segment", async () => {
    // The URL parser folds /stream/%2E%2E to "/", which is no route at all.
    const res = await call("/stream/%2E%2E");
    expect(res.status).toBe(404);
  });

  it("should answer unknown routes in FastAPI's shape", async () => {
    const res = await call("/no/such/route");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: "Not Found" });
  });
});
