import { readdir, readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveChildGroups } from "../../containers/transcoder/src/lib/spawn.ts";
import { type Stack, fetchBody, postOperation, runFetch, startStack, workDirEntries } from "./helpers/stack.ts";

/** Processes (any, not only ours) whose command line mentions `needle`: what an operator would see in ps. */
const processesMentioning = async (needle: string): Promise<string[]> => {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).replace(/\0/g, " ");
      if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline.slice(0, 200)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
};

const waitFor = async (check: () => Promise<boolean>, ms: number): Promise<boolean> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return check();
};

describe("client disconnect", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it("should kill yt-dlp and remove the work dir when the client goes away mid-download", async () => {
    const controller = new AbortController();
    // "slow" spreads the 2 s clip over 8 s, so the download is surely running when we hang up.
    const body = fetchBody(stack, { service: "tiktok", url: `${stack.fixture.origin}/tiktok/@slow/video/1`, select: { kind: "video" } }, "/up/slow");
    const res = await postOperation(stack, "fetch", body, { signal: controller.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = "";
    // Read until yt-dlp reports bytes: the download is under way.
    while (!/"stage":"download","percent":(?!0\b)/.test(seen)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${seen}`);
      seen += decoder.decode(value);
    }
    expect(await processesMentioning(stack.workDir)).not.toEqual([]);
    expect(liveChildGroups()).not.toEqual([]);

    controller.abort();

    const cleaned = await waitFor(async () => (await processesMentioning(stack.workDir)).length === 0 && (await workDirEntries(stack)).length === 0, 3000);
    expect(await processesMentioning(stack.workDir)).toEqual([]);
    expect(await workDirEntries(stack)).toEqual([]);
    expect(liveChildGroups()).toEqual([]);
    expect(cleaned).toBe(true);
    expect(stack.receiver.uploads("/up/slow")).toEqual([]);
  });
});

describe("operation timeout", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ operationTimeoutMs: 2500 });
  });
  afterAll(() => stack?.close());

  it("should end with a retryable timeout error, no child left and no work dir", async () => {
    const run = await runFetch(stack, { service: "tiktok", url: `${stack.fixture.origin}/tiktok/@slow/video/2`, select: { kind: "video" } });
    expect(run.error).toMatchObject({ code: "timeout", retryable: true });
    expect(await processesMentioning(stack.workDir)).toEqual([]);
    expect(await workDirEntries(stack)).toEqual([]);
  });
});
