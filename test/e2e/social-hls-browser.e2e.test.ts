/**
 * Seed 002's HLS in a real browser (issue 12): Debian's Chromium driven by playwright-core plays the
 * Worker's master playlist with hls.js from a page on another origin, once when the video is ready and
 * once started while it is still processing (growing EVENT playlists). Playback must pass 2 s, the one
 * started early must go on to the end in the same page, and hls.js must report no fatal error. The
 * browser reaches loopback only.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./support/browser";
import { api, stack } from "./support/client";
import { startPlayerPage, type PlayerPageServer } from "./support/player-page";
import { makeClip, uploadVideo, videoStatus, waitForVideoStatus } from "./support/social-videos";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds of the clip played once ready, and of the one played while processing (long enough that its ladder takes a while). */
const READY_CLIP_SECONDS = 16;
const LIVE_CLIP_SECONDS = 30;

/** Until the master playlist answers 200, which it does as soon as one rung has its first segment. */
async function waitForMasterPlaylist(id: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(`/api/v1/hls/playlist/${id}`);
    const text = await res.text();
    if (res.status === 200) return;
    expect(res.status, text).toBe(409);
    if (Date.now() > deadline) throw new Error(`video ${id}: no playable master playlist after ${timeoutMs} ms (${text})`);
    await sleep(100);
  }
}

const masterUrl = (id: number) => `http://127.0.0.1:${stack().workerPort}/api/v1/hls/playlist/${id}`;

/** A player page open on one video, with what the page said on its console. */
interface OpenPlayer {
  page: Page;
  id: number;
  consoleErrors: string[];
  /** Where this page's share of the browser's aborted requests begins. */
  abortedFrom: number;
}

async function openPlayer(browser: TestBrowser, player: PlayerPageServer, id: number): Promise<OpenPlayer> {
  const abortedFrom = browser.aborted.length;
  const page = await browser.newPage();
  const consoleErrors: string[] = [];
  // CORS refusals show only here (hls.js sees a network error without the reason).
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(`pageerror: ${err.message}`));
  await page.goto(player.urlFor(masterUrl(id)));
  return { page, id, consoleErrors, abortedFrom };
}

/** Everything that explains a failed playback: the video element, hls.js's record, the console, the guard, the API. */
async function diagnose(open: OpenPlayer, browser: TestBrowser): Promise<string> {
  const video = await open.page
    .evaluate(() => {
      const v = document.querySelector("video")!;
      const buffered = Array.from({ length: v.buffered.length }, (_, i) => `${v.buffered.start(i).toFixed(2)}-${v.buffered.end(i).toFixed(2)}`);
      return { currentTime: v.currentTime, duration: v.duration, readyState: v.readyState, paused: v.paused, ended: v.ended, mediaError: v.error?.message ?? v.error?.code ?? null, buffered, player: window.player };
    })
    .catch((err: unknown) => `page unreadable: ${String(err)}`);
  const apiStatus = await api(`/api/v1/video/status/${open.id}`)
    .then(async (res) => `${res.status} ${await res.text()}`)
    .catch(String);
  return JSON.stringify({ videoId: open.id, apiStatus, video, consoleErrors: open.consoleErrors, abortedByLoopbackGuard: browser.aborted.slice(open.abortedFrom) }, null, 2);
}

/**
 * Waits until the video has played past `target` seconds, or has ended when `target` is "ended" (hls.js
 * ends the stream only once its playlists carry ENDLIST and every segment is buffered), failing early on
 * a fatal hls.js error; a failure carries the diagnosis.
 */
async function waitForPlayback(open: OpenPlayer, browser: TestBrowser, target: number | "ended", timeoutMs: number): Promise<void> {
  const outcome = await open.page
    .waitForFunction(
      (t) => {
        const v = document.querySelector("video")!;
        if (window.player.errors.some((e) => e.fatal)) return "fatal";
        return (t === "ended" ? v.ended : v.currentTime > t) ? "played" : false;
      },
      target,
      { timeout: timeoutMs, polling: 250 },
    )
    .then((handle) => handle.jsonValue())
    .catch((err: unknown) => `timed out: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
  const why = await diagnose(open, browser);
  const goal = target === "ended" ? "to the end" : `past ${target} s`;
  expect(outcome, `playback did not get ${goal}:\n${why}`).toBe("played");
  expect(await open.page.evaluate(() => window.player.errors.filter((e) => e.fatal)), why).toEqual([]);
  expect(browser.aborted.slice(open.abortedFrom), `requests left loopback:\n${why}`).toEqual([]);
}

describe("seed 002 HLS played by hls.js in Chromium", () => {
  let dir = "";
  let browser: TestBrowser;
  let player: PlayerPageServer;
  let readyClip: Uint8Array<ArrayBuffer>;
  let liveClip: Uint8Array<ArrayBuffer>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "e2e-hls-browser-"));
    readyClip = await makeClip(path.join(dir, "ready.mp4"), READY_CLIP_SECONDS);
    liveClip = await makeClip(path.join(dir, "live.mp4"), LIVE_CLIP_SECONDS);
    browser = await launchBrowser();
    player = await startPlayerPage();
  });

  afterAll(async () => {
    await browser?.close();
    await player?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should play a ready video past 2 s from a page on another origin", async () => {
    const id = await uploadVideo("ready.mp4", readyClip);
    // Generous: the ladder shares two cores with everything else the machine runs.
    await waitForVideoStatus(id, (s) => s === "ready" || s === "error", 150_000).then((s) => expect(s.status).toBe("ready"));
    const open = await openPlayer(browser, player, id);
    await waitForPlayback(open, browser, 2, 30_000);
    expect(await open.page.evaluate(() => window.player.levels)).toEqual(["240p", "480p", "720p"]);
    await open.page.close();
  }, 200_000);

  it("should start while the video is processing and play on to the end without a reload", async () => {
    const id = await uploadVideo("live.mp4", liveClip);
    await waitForMasterPlaylist(id, 120_000);
    const statusAtStart = (await videoStatus(id)).status;
    expect(statusAtStart, "the player must start before the ladder is done").toBe("processing");

    const open = await openPlayer(browser, player, id);
    await waitForPlayback(open, browser, 2, 60_000);
    expect(await open.page.evaluate(() => window.player.liveAtStart), "hls.js first got a growing EVENT playlist").toBe(true);
    // The same page and hls.js instance: its EVENT playlists grow, then end, and playback follows them.
    await waitForPlayback(open, browser, "ended", 150_000);
    expect(await open.page.evaluate(() => document.querySelector("video")!.currentTime)).toBeGreaterThan(LIVE_CLIP_SECONDS - 3);
    await open.page.close();
  }, 300_000);
});
