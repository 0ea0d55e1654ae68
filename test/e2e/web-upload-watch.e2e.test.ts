/**
 * Issue 15: the web app's Upload and Watch pages in Chromium on the running stack (loopback only). A
 * signed-in user uploads clips through the page (the file input, and a synthetic drop on the drop zone),
 * sees each file's progress bar reach 100 % and the status until ready, follows the link to Watch and sees
 * the reel play past 2 s; one reel starts playing while its ladder is still processing. Likes, comments and
 * views through the page; an over-long title is refused before any request; axe finds nothing serious.
 * Screenshots of both pages at desktop and phone width go to test-output/web/.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./support/browser";
import { makeClip, videoStatus, waitForVideoStatus } from "./support/social-videos";
import { api } from "./support/client";
import { approvedUser, cspViolations, goToPage, PHONE, screenshotBoth, seriousAxeViolations, signIn } from "./support/web-app";

/** Long enough that `currentTime` past 2 s means something, short enough to get ready quickly. */
const SHORT_CLIP_SECONDS = 8;
/** Long enough that its ladder is still being encoded when playback starts. */
const LONG_CLIP_SECONDS = 30;

const UPLOAD_PATHS = /\/api\/v1\/(reels\/reels|stories)\/upload/;

/** Whether the page's own content fits a phone's width (nothing in <main> scrolls sideways). */
async function fitsPhoneWidth(page: Page): Promise<boolean> {
  await page.setViewportSize(PHONE);
  const fits = await page.evaluate(() => {
    const main = document.querySelector("main")!;
    return main.scrollWidth <= main.clientWidth;
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  return fits;
}

/** The id of the reel an upload's job links to, once the upload was accepted. */
async function uploadedReelId(page: Page, job: number): Promise<number> {
  const link = page.getByTestId("upload-job").nth(job).getByRole("link");
  await link.waitFor({ timeout: 120_000 });
  const href = (await link.getAttribute("href")) ?? "";
  const id = Number(new URL(href, "http://x").searchParams.get("reel"));
  expect(id, href).toBeGreaterThan(0);
  return id;
}

/** The reel's video id, from the API (the test's own view of what the page shows). */
async function reelVideoId(reelId: number): Promise<number> {
  const res = await api(`/api/v1/reels/reels/${reelId}`);
  const body = (await res.json()) as { video: { id: number } | null };
  expect(body.video).not.toBeNull();
  return body.video!.id;
}

const currentTime = (page: Page, reelId: number) =>
  page.evaluate((id) => document.querySelector<HTMLVideoElement>(`[data-reel-id="${id}"] video`)?.currentTime ?? -1, reelId);

/** Follows an upload's "Watch" link (client-side: the page is not reloaded, so the user stays signed in). */
async function followWatchLink(page: Page, job: number, reelId: number): Promise<void> {
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  await page.getByTestId("upload-job").nth(job).getByRole("link").click();
  await page.waitForURL((url) => url.pathname === "/app/watch" && url.searchParams.get("reel") === String(reelId));
  await page.locator(`[data-reel-id="${reelId}"] video`).waitFor();
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
}

describe("web app: upload and watch", () => {
  let dir = "";
  let browser: TestBrowser;
  let user: { username: string; password: string };
  let shortClip = "";
  let longClip = "";
  let photo = "";

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "e2e-web-upload-"));
    shortClip = path.join(dir, "short.mp4");
    longClip = path.join(dir, "long.mp4");
    await makeClip(shortClip, SHORT_CLIP_SECONDS);
    await makeClip(longClip, LONG_CLIP_SECONDS);
    photo = path.join(dir, "photo.png");
    await promisify(execFile)("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", photo]);
    browser = await launchBrowser();
    user = await approvedUser("watch");
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts playing a reel while it is still processing, then likes, comments and counts the view", async () => {
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, user);
    await goToPage(page, "/app/upload");

    await page.getByLabel("Choose files").setInputFiles(longClip);
    await page.getByLabel("Title (English)").fill("A reel that plays early");
    await page.getByLabel("Title (Russian)").fill("Рилс, который играет рано");
    // Slow the upload down (Chromium's own network emulation) so the bar is seen moving.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    const size = readFileSync(longClip).length;
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: Math.ceil(size / 4) });
    await page.getByRole("button", { name: "Upload", exact: true }).click();

    const bar = page.getByTestId("upload-job").first().locator("progress");
    await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
    const seen = Number(await bar.getAttribute("value"));
    await screenshotBoth(page, "upload-in-progress");
    expect(seen, "the bar shows the bytes sent, not only 0 and 100").toBeLessThan(100);
    await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 60_000 }).toBe(100);
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    const reelId = await uploadedReelId(page, 0);
    const videoId = await reelVideoId(reelId);
    await followWatchLink(page, 0, reelId);

    // The moment playback starts, the ladder must still be in progress.
    await expect.poll(() => currentTime(page, reelId), { timeout: 120_000, interval: 100 }).toBeGreaterThan(0);
    expect((await videoStatus(videoId)).status, "playback started before the video was ready").toBe("processing");
    await expect.poll(() => currentTime(page, reelId), { timeout: 60_000, interval: 250 }).toBeGreaterThan(2);
    const reel = page.locator(`[data-reel-id="${reelId}"]`);
    await reel.getByRole("heading", { name: "A reel that plays early" }).waitFor();
    await screenshotBoth(page, "watch-playing");

    // One view per play, recorded by the page.
    await expect.poll(() => reel.getByTestId("views-count").textContent(), { timeout: 15_000 }).toBe("Views: 1");

    const like = reel.getByRole("button", { name: "Like" });
    expect(await like.getAttribute("aria-pressed")).toBe("false");
    await like.click();
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe("true");
    expect(await reel.getByTestId("likes-count").textContent()).toBe("Likes: 1");
    await like.click();
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe("false");
    expect(await reel.getByTestId("likes-count").textContent()).toBe("Likes: 0");

    await reel.getByText("Comments (0)").click();
    await reel.getByLabel("Your comment").fill("Plays before it is ready!");
    await reel.getByRole("button", { name: "Send" }).click();
    await reel.getByRole("listitem").filter({ hasText: "Plays before it is ready!" }).waitFor();
    await reel.getByText("Comments (1)").waitFor();
    const comments = (await (await api(`/api/v1/comments/list?reels_id=${reelId}&offset=0`)).json()) as { count: number };
    expect(comments.count).toBe(1);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "watch-feed");
    expect(await fitsPhoneWidth(page)).toBe(true);
    expect(browser.aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  }, 400_000);

  it("refuses an over-long title before sending, uploads a dropped file and plays it once ready", async () => {
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    const uploads: string[] = [];
    page.on("request", (request) => {
      if (UPLOAD_PATHS.test(request.url())) uploads.push(request.url());
    });
    await signIn(page, user);
    await goToPage(page, "/app/upload");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A synthetic drop: a DataTransfer holding the clip, as a file manager's drag would bring it.
    const bytes = readFileSync(shortClip).toString("base64");
    await page.evaluate((b64) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], "dropped.mp4", { type: "video/mp4" }));
      document.querySelector('[data-testid="drop-zone"]')!.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, bytes);
    await page.getByText("dropped.mp4", { exact: true }).waitFor();

    const title = page.getByLabel("Title (Kazakh)");
    await title.fill("қ".repeat(101));
    await page.getByText("101 of 100 characters").waitFor();
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const alert = page.locator("#upload-form-status");
    await expect.poll(() => alert.textContent()).toContain("Too long: Title (Kazakh)");
    expect(await alert.getAttribute("role")).toBe("alert");
    expect(await title.getAttribute("aria-invalid")).toBe("true");
    expect(uploads, "nothing is sent while a field is over its limit").toEqual([]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "upload-validation-error");
    expect(await fitsPhoneWidth(page)).toBe(true);

    await title.fill("қ".repeat(100));
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const bar = page.getByTestId("upload-job").first().locator("progress");
    await expect.poll(async () => Number(await bar.getAttribute("value")), { timeout: 60_000 }).toBe(100);
    expect(uploads).toHaveLength(1);
    const reelId = await uploadedReelId(page, 0);
    const videoId = await reelVideoId(reelId);
    const status = page.getByTestId("upload-job").first().locator(".job-status");
    await expect.poll(() => status.getAttribute("data-status"), { timeout: 200_000, interval: 1000 }).toBe("ready");
    expect(await status.textContent()).toBe("Ready");
    expect((await waitForVideoStatus(videoId, (s) => s === "ready", 1000)).status).toBe("ready");
    await screenshotBoth(page, "upload-done");

    await followWatchLink(page, 0, reelId);
    await expect.poll(() => currentTime(page, reelId), { timeout: 60_000, interval: 250 }).toBeGreaterThan(2);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(browser.aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  }, 400_000);

  it("creates a story from a photo and a video, one progress bar per file, and plays it from the stories row", async () => {
    // A reel in the feed behind the story, uploaded the API's way.
    const form = new FormData();
    form.append("file", new File([readFileSync(shortClip)], "feed.mp4", { type: "video/mp4" }), "feed.mp4");
    form.append("en_title", "A reel behind the story");
    const reelRes = await api("/api/v1/reels/reels/upload", { method: "POST", body: form });
    const reelText = await reelRes.text();
    expect(reelRes.status, reelText).toBe(200);
    const feedReelId = (JSON.parse(reelText) as { id: number }).id;

    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, user);
    await goToPage(page, "/app/upload");
    await page.getByLabel("One story (photos and at most one video)").check();

    // Two videos are refused before sending: a story has one video_id.
    await page.getByLabel("Choose files").setInputFiles([shortClip, longClip]);
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    await expect.poll(() => page.locator("#upload-form-status").textContent()).toContain("A story can hold at most one video.");
    await page.getByRole("button", { name: "Remove long.mp4" }).click();

    await page.getByLabel("Choose files").setInputFiles(photo);
    await page.getByLabel("Title (English)").fill("A story of two files");
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const job = page.getByTestId("upload-job").first();
    const bars = job.locator("progress");
    await expect.poll(() => bars.count()).toBe(2);
    await expect.poll(async () => Promise.all((await bars.all()).map(async (b) => Number(await b.getAttribute("value")))), { timeout: 60_000 }).toEqual([100, 100]);
    const link = job.getByRole("link");
    await link.waitFor({ timeout: 60_000 });
    const storyId = Number(new URL((await link.getAttribute("href")) ?? "", "http://x").searchParams.get("story"));
    expect(storyId).toBeGreaterThan(0);

    await link.click();
    await page.waitForURL((url) => url.pathname === "/app/watch");
    const viewer = page.locator(`[data-story-id="${storyId}"]`);
    await viewer.getByRole("heading", { name: "A story of two files" }).waitFor();
    await page.getByRole("button", { name: "Open story: A story of two files" }).waitFor();
    await expect
      .poll(() => viewer.evaluate((el) => el.querySelector("video")?.currentTime ?? -1), { timeout: 200_000, interval: 250 })
      .toBeGreaterThan(2);
    await viewer.getByText("Photos: 1").waitFor();
    // The open story plays alone: a ready reel scrolled into view stays still while the story is open.
    await waitForVideoStatus(await reelVideoId(feedReelId), (st) => st === "ready", 200_000);
    const feedReel = page.locator(`[data-reel-id="${feedReelId}"]`);
    await feedReel.scrollIntoViewIfNeeded();
    await page.waitForTimeout(5000);
    expect(await currentTime(page, feedReelId)).toBe(0);
    await viewer.scrollIntoViewIfNeeded();
    const like = viewer.getByRole("button", { name: "Like" });
    await like.click();
    await expect.poll(() => like.getAttribute("aria-pressed")).toBe("true");
    expect(await viewer.getByTestId("likes-count").textContent()).toBe("Likes: 1");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "watch-story");
    // The page's own words follow the language switcher.
    await page.getByLabel("Language").selectOption("ru");
    await page.getByRole("heading", { level: 1, name: "Смотреть" }).waitFor();
    expect(await viewer.getByTestId("likes-count").textContent()).toBe("Отметок «нравится»: 1");
    await screenshotBoth(page, "watch-story-ru");
    await page.getByLabel("Язык").selectOption("en");
    expect(browser.aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  }, 400_000);
});
