/**
 * A source that cannot be reached is `source.unreachable` (retryable, naming the host), not
 * `source.unavailable` ("not found"): on each path an operation reaches the network by (yt-dlp and
 * ffprobe through the egress proxy, pages through the guarded fetch, names through the guard's lookup).
 * Nothing here leaves loopback: the closed port is ours, and names resolve through an injected lookup.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LookupAll } from "../../containers/transcoder/src/lib/net-guard.ts";
import { refusedPort } from "../support/processes.ts";
import { type Stack, postOperation, readEvents, runFetch, startStack, terminal, workDirEntries } from "./helpers/stack.ts";

const notFound = (host: string) => Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
// The DNS answer the guard gets for every name: it does not exist.
const lookup: LookupAll = async (host) => {
  throw notFound(host);
};

let stack: Stack;
let closed: string;
beforeAll(async () => {
  closed = `127.0.0.1:${await refusedPort()}`;
  // Allowed in test mode like the fixture origin, so the guard lets it through and the connect fails.
  stack = await startStack({ lookup, allowedOrigins: [`http://${closed}`] });
});
afterAll(() => stack?.close());

describe("unreachable sources", () => {
  it("should answer source.unreachable, retryable, naming the host, when yt-dlp's connection is refused", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: `http://${closed}/tiktok/@alice/video/1`, select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unreachable", retryable: true, message: expect.stringContaining(`could not reach ${closed}`) });
  });

  it("should answer source.unreachable when a page fetch's connection is refused", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: `http://${closed}/tiktok/@bob/photo/1`, select: { kind: "image" } });
    expect(run.error).toMatchObject({ code: "source.unreachable", retryable: true, message: expect.stringContaining(`could not reach ${closed}`) });
  });

  it("should answer source.unreachable when ffprobe's connection is refused", async () => {
    const { error } = terminal(await readEvents(await postOperation(stack, "probe", { url: `http://${closed}/media/clip-2s.mp4` })));
    expect(error).toMatchObject({ code: "source.unreachable", retryable: true, message: expect.stringContaining(`could not reach ${closed}`) });
  });

  it("should answer source.unreachable naming the host when its name does not resolve", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: "https://www.tiktok.com/@scout2015/video/6718335390845095173", select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unreachable", retryable: true, message: expect.stringContaining("could not reach www.tiktok.com") });
  });

  it("should keep a missing post source.unavailable and not retryable", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: `${stack.fixture.origin}/tiktok/@gone/video/1`, select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "source.unavailable", retryable: false });
  });

  it("should leave no work dir behind", async () => {
    expect(await workDirEntries(stack)).toEqual([]);
  });
});
