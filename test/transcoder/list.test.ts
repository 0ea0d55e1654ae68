/**
 * /v1/list against the fixture TikTok: real yt-dlp (its generic extractor reading the fixture's RSS
 * feeds, as test mode allows) behind the operation's egress proxy. Expected lists come from the
 * catalogue module the fixture server serves.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type ListResult, type TranscoderError, listResultSchema } from "../../protocol/transcoder.ts";
import type { LookupAll } from "../../containers/transcoder/src/lib/net-guard.ts";
import { FIXTURE_TAG, hashtagVideos, userVideos, videosBetween } from "../fixtures/tiktok-catalogue.ts";
import { type Stack, operationHeaders, postOperation, readEvents, startStack, terminal, workDirEntries } from "./helpers/stack.ts";

// No real DNS in tests. www.tiktok.com answers with a private address: a real TikTok URL the guard
// must still refuse; www.youtube.com with a public one, so only the service check can refuse it.
const lookup: LookupAll = async (host) => {
  if (host === "www.tiktok.com") return [{ address: "10.0.0.5", family: 4 }];
  if (host === "www.youtube.com") return [{ address: "93.184.215.14", family: 4 }];
  throw Object.assign(new Error(`ENOTFOUND ${host}`), { code: "ENOTFOUND" });
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ lookup });
});
afterAll(() => stack?.close());
beforeEach(() => stack.fixture.reset());

const profile = (user: string) => `${stack.fixture.origin}/tiktok/@${user}`;
const tag = (name: string) => `${stack.fixture.origin}/tiktok/tag/${name}`;

type ListCall = { url: string; limit?: number; since?: string; until?: string };

const runList = async (call: ListCall): Promise<{ result: ListResult | undefined; error: TranscoderError | undefined }> => {
  const events = await readEvents(await postOperation(stack, "list", { service: "tiktok", limit: 1000, ...call }));
  expect(events.filter((e) => e.type === "done" || e.type === "error")).toHaveLength(1);
  const { result, error } = terminal(events);
  return { result: result === undefined ? undefined : listResultSchema.parse(result), error };
};

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

describe("list: profiles and hashtags", () => {
  it("should list every video of a profile, newest first, with its page URL, title and time", async () => {
    const expected = userVideos("archive.alice")!;
    const { result, error } = await runList({ url: profile("archive.alice") });
    expect(error).toBeUndefined();
    expect(result?.title).toBe("archive.alice");
    expect(result?.entries).toEqual(
      expected.map((v) => ({ id: v.id, url: `${stack.fixture.origin}/tiktok/@archive.alice/video/${v.id}`, title: v.description, timestamp: v.createTime })),
    );
    // One read of the feed, and no video page: listing downloads nothing.
    expect(stack.fixture.hits()).toEqual({ "/tiktok/@archive.alice": 1 });
  });

  it("should list a hashtag's videos from several users, newest first", async () => {
    const expected = hashtagVideos(FIXTURE_TAG)!;
    const { result, error } = await runList({ url: tag(FIXTURE_TAG) });
    expect(error).toBeUndefined();
    expect(result?.entries.map((e) => e.id)).toEqual(expected.map((v) => v.id));
    const authors = new Set(result?.entries.map((e) => /\/@([^/]+)\/video\//.exec(e.url)?.[1]));
    expect(authors).toEqual(new Set(expected.map((v) => v.author)));
    expect(authors.has("archive.alice")).toBe(true);
  });

  it("should cut at limit, keeping the newest", async () => {
    const { result } = await runList({ url: profile("archive.bulk"), limit: 100 });
    expect(result?.entries.map((e) => e.id)).toEqual(userVideos("archive.bulk")!.slice(0, 100).map((v) => v.id));
  });

  it("should keep only videos inside since / until (inclusive)", async () => {
    const alice = userVideos("archive.alice")!;
    // Bounds on exact creation times: both ends must be kept.
    const since = alice[20]!.createTime;
    const until = alice[4]!.createTime;
    const { result } = await runList({ url: profile("archive.alice"), since: iso(since), until: iso(until) });
    const expected = videosBetween(alice, since, until);
    expect(expected[0]?.id).toBe(alice[4]!.id);
    expect(expected.at(-1)?.id).toBe(alice[20]!.id);
    expect(result?.entries.map((e) => e.id)).toEqual(expected.map((v) => v.id));
  });

  it("should apply since alone, then limit after filtering", async () => {
    const alice = userVideos("archive.alice")!;
    const since = Date.parse("2025-01-01T00:00:00Z") / 1000;
    const all = await runList({ url: profile("archive.alice"), since: "2025-01-01T00:00:00Z" });
    expect(all.result?.entries.map((e) => e.id)).toEqual(videosBetween(alice, since).map((v) => v.id));
    const limited = await runList({ url: profile("archive.alice"), since: "2025-01-01T00:00:00Z", limit: 5 });
    expect(limited.result?.entries.map((e) => e.id)).toEqual(videosBetween(alice, since).slice(0, 5).map((v) => v.id));
  });

  it("should apply until alone, reading past the newer videos", async () => {
    const bob = userVideos("archive.bob")!;
    const until = Date.parse("2024-12-31T23:59:59Z") / 1000;
    const { result } = await runList({ url: profile("archive.bob"), until: "2024-12-31T23:59:59Z", limit: 2 });
    expect(result?.entries.map((e) => e.id)).toEqual(videosBetween(bob, undefined, until).slice(0, 2).map((v) => v.id));
  });

  it("should answer an empty list for a profile without videos", async () => {
    const { result, error } = await runList({ url: profile("archive.empty") });
    expect(error).toBeUndefined();
    expect(result).toEqual({ title: "archive.empty", entries: [] });
  });

  it("should answer an empty list when nothing falls in the window", async () => {
    const { result, error } = await runList({ url: profile("archive.bob"), since: "2030-01-01T00:00:00Z" });
    expect(error).toBeUndefined();
    expect(result?.entries).toEqual([]);
  });
});

describe("list: failures", () => {
  it("should answer source.unavailable, not retryable, for a user that does not exist", async () => {
    const { error } = await runList({ url: profile("archive.nobody") });
    expect(error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it("should answer source.unavailable for a hashtag without videos", async () => {
    const { error } = await runList({ url: tag("nosuchtag") });
    expect(error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it.each([
    ["a post URL", "/tiktok/@archive.alice/video/7100000000000000042"],
    ["the home page", "/tiktok/"],
    ["a profile's sub-page", "/tiktok/@archive.alice/liked"],
    ["a hashtag's sub-page", `/tiktok/tag/${FIXTURE_TAG}/videos`],
  ])("should answer source.unsupported for %s, before asking the source", async (_what, path) => {
    const { error } = await runList({ url: `${stack.fixture.origin}${path}` });
    expect(error).toMatchObject({ code: "source.unsupported", retryable: false });
    expect(stack.fixture.hits()).toEqual({});
  });

  it("should answer source.unsupported for a profile on another service's host", async () => {
    const { error } = await runList({ url: "https://www.youtube.com/@archive.alice" });
    expect(error).toMatchObject({ code: "source.unsupported", retryable: false });
  });

  it("should remove every work dir", async () => {
    expect(await workDirEntries(stack)).toEqual([]);
  });
});

describe("list: the network guard", () => {
  const connectTargets: string[] = [];
  let connectSpy: ReturnType<typeof vi.spyOn> | undefined;
  beforeEach(() => {
    connectTargets.length = 0;
    const original = net.Socket.prototype.connect;
    connectSpy = vi.spyOn(net.Socket.prototype, "connect").mockImplementation(function (this: net.Socket, ...args: unknown[]) {
      const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
      const host = typeof first === "object" && first !== null ? ((first as { host?: string }).host ?? "localhost") : (args[1] ?? "localhost");
      connectTargets.push(String(host));
      return (original as (...a: unknown[]) => net.Socket).apply(this, args);
    });
  });
  afterEach(() => connectSpy?.mockRestore());

  it("should refuse a loopback URL outside the allowed origins without connecting to it", async () => {
    // A server of ours on loopback that is not an allowed origin: it must never see a connection.
    let connections = 0;
    const server = http.createServer((_req, res) => res.end());
    server.on("connection", () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const { error } = await runList({ url: `http://127.0.0.1:${port}/@archive.alice` });
      expect(error).toMatchObject({ code: "source.blocked", retryable: false });
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it.each([
    ["a TikTok host resolving to a private address", "https://www.tiktok.com/@archive.alice"],
    ["the cloud metadata address", "http://169.254.169.254/@archive.alice"],
  ])("should refuse %s before any connection", async (_what, url) => {
    const { error } = await runList({ url });
    expect(error).toMatchObject({ code: "source.blocked", retryable: false });
    expect(connectTargets.filter((h) => !["127.0.0.1", "localhost", "::1"].includes(h))).toEqual([]);
  });
});

describe("list: request validation", () => {
  it.each<[string, Record<string, unknown>]>([
    ["a limit of 0", { limit: 0 }],
    ["a limit over 1000", { limit: 1001 }],
    ["a since that is not a date-time", { since: "yesterday" }],
    ["a since after until", { since: "2025-02-01T00:00:00Z", until: "2025-01-01T00:00:00Z" }],
    ["a service that has no listing", { service: "youtube" }],
  ])("should answer 400 input.invalid for %s", async (_what, change) => {
    const body = { url: profile("archive.bob"), service: "tiktok", limit: 10, ...change };
    const res = await postOperation(stack, "list", body, { headers: operationHeaders() });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "input.invalid", retryable: false } });
  });
});
