import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { LookupAll } from "../../containers/transcoder/src/lib/net-guard.ts";
import { type Stack, operationHeaders, postOperation, runFetch, startStack, workDirEntries } from "./helpers/stack.ts";

// example.com must never be looked up for real (no internet in tests): answer with a public address.
const lookup: LookupAll = async (host) => (host === "example.com" ? [{ address: "93.184.215.14", family: 4 }] : []);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ lookup });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const tiktok = (path: string) => `${stack.fixture.origin}/tiktok/${path}`;

describe("fetch failures", () => {
  it("should answer source.unavailable, not retryable, for a removed post", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@gone/video/1"), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: false });
    expect(run.events.at(-1)?.type).toBe("error");
    expect(run.outputs).toEqual([]);
  });

  it("should answer source.private for a login wall", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@private/video/1"), select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.private", retryable: false });
  });

  it("should answer source.private for a photo post behind a login wall", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@private/photo/1"), select: { kind: "image" } });
    expect(run.error).toMatchObject({ code: "source.private", retryable: false });
  });

  it("should answer source.too_large, not retryable, and upload nothing when maxBytes is too small", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/1"), select: { kind: "video" }, maxBytes: 10_000 });
    expect(run.error).toMatchObject({ code: "source.too_large", retryable: false });
    expect(stack.receiver.uploads(run.uploadPath)).toEqual([]);
  });

  it("should stop a big download early instead of fetching it whole", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@big200mb/video/1"), select: { kind: "video" }, maxBytes: 5 * 1024 * 1024 });
    expect(run.error).toMatchObject({ code: "source.too_large", retryable: false });
  });

  it("should answer source.too_large for images over maxBytes", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@bob/photo/1"), select: { kind: "image" }, maxBytes: 1000 });
    expect(run.error).toMatchObject({ code: "source.too_large", retryable: false });
  });

  it("should answer upload.failed, retryable, when the receiver answers 500", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: tiktok("@alice/video/2"), select: { kind: "video" }, uploadPath: "/fail/t1" });
    expect(run.error).toMatchObject({ code: "upload.failed", retryable: true });
    expect(run.outputs).toEqual([]);
  });

  it("should answer source.unsupported for a URL outside the service's hosts, before any request", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: "https://example.com/@a/video/1", select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unsupported", retryable: false });
  });

  it("should answer source.blocked for a URL the network guard refuses", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: "http://169.254.169.254/latest/meta-data/", select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.blocked", retryable: false });
  });

  it("should remove every work dir after failures", async () => {
    expect(await workDirEntries(stack)).toEqual([]);
  });
});

describe("request validation", () => {
  const post = (body: string, contentType = "application/json") =>
    postOperation(stack, "fetch", body, { headers: operationHeaders({ "content-type": contentType }) });

  const valid = () => ({
    taskId: "t",
    url: tiktok("@a/video/1"),
    service: "tiktok",
    select: { kind: "video" },
    output: { uploadUrl: `${stack.receiver.origin}/up/v`, maxBytes: 1000 },
  });

  // Bodies are built lazily: the stack (and its URLs) exists only once the tests run.
  it.each<[string, () => string]>([
    ["a body that is not JSON", () => "{nope"],
    ["an unknown service", () => JSON.stringify({ ...valid(), service: "vimeo" })],
    ["a missing output", () => JSON.stringify({ ...valid(), output: undefined })],
    ["a maxHeight below 144", () => JSON.stringify({ ...valid(), select: { kind: "video", maxHeight: 100 } })],
    ["an unknown kind", () => JSON.stringify({ ...valid(), select: { kind: "gif" } })],
    ["an empty taskId", () => JSON.stringify({ ...valid(), taskId: "" })],
    ["a URL that is not a URL", () => JSON.stringify({ ...valid(), url: "not a url" })],
    ["a non-positive maxBytes", () => JSON.stringify({ ...valid(), output: { uploadUrl: "http://127.0.0.1/x", maxBytes: 0 } })],
  ])("should answer 400 input.invalid for %s", async (_what, body) => {
    const res = await post(body());
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toMatchObject({ error: { code: "input.invalid", retryable: false } });
  });

  it("should answer 400 for a body that is not declared as JSON", async () => {
    const res = await post(JSON.stringify(valid()), "text/plain");
    expect(res.status).toBe(400);
  });
});
