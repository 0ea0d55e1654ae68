/**
 * Issue 15: the web app's Save & convert page in a real browser on the running stack (loopback only, the
 * fixture server standing in for TikTok and YouTube): save a TikTok without an account while the progress
 * bar follows the platform's progress events, download the file; sign in and convert a YouTube video to
 * mp3; the human words for a private video and an unsupported site. Screenshots at both widths go to
 * test-output/web/save-*.png.
 */
import { readFile } from "node:fs/promises";
import type { Download, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { suiteBrowser } from "./support/browser";
import { uniqueId } from "./support/client";
import { approvedUser, cspViolations, goToPage, layoutShiftScore, openApp, pageClock, screenshotBoth, seriousAxeViolations, signIn, trackLayoutShifts } from "./support/web-app";

interface FrameEvent {
  type: string;
  status: string;
  progress: number;
  stage: string | null;
  final: boolean;
}

/** Every task event the page's progress sockets received, in order (what the page was told, not what it drew). */
function recordProgressFrames(page: Page): FrameEvent[] {
  const frames: FrameEvent[] = [];
  page.on("websocket", (ws) => {
    if (!new URL(ws.url()).pathname.startsWith("/api/progress/")) return;
    ws.on("framereceived", ({ payload }) => {
      if (typeof payload === "string" && payload.startsWith("{")) frames.push(JSON.parse(payload) as FrameEvent);
    });
  });
  return frames;
}

async function downloadedBytes(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), click()]);
  const file = await download.path();
  return { download, bytes: await readFile(file) };
}

describe("web app: save & convert", () => {
  const browser = suiteBrowser();

  it("saves a TikTok without an account, following the progress events, and downloads the mp4", async () => {
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await trackLayoutShifts(page);
    const frames = recordProgressFrames(page);
    await openApp(page, "/app/save");
    await page.locator("main h1").waitFor();
    await screenshotBoth(page, "save-idle");
    expect(await seriousAxeViolations(page)).toEqual([]);

    const url = page.getByLabel("Link to the video or post");
    const save = page.getByRole("button", { name: "Save" });

    // Another site is answered in the browser, before anything is sent.
    await url.fill("https://vimeo.com/76979871");
    await save.click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("This site is not supported");
    await screenshotBoth(page, "save-error-unsupported");

    // YouTube needs an account: the sign-in notice, and Save stays off.
    await url.fill("https://www.youtube.com/watch?v=e2eVideo001");
    await page.getByRole("link", { name: /Sign in on the Account page/ }).waitFor();
    expect(await save.isDisabled()).toBe(true);

    // A private post: the human sentence.
    await url.fill("https://www.tiktok.com/@private/video/7000000000000000403");
    await save.click();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 60_000 }).toContain("This video is private");
    await screenshotBoth(page, "save-error-private");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The "slow" fixture spreads its media over 8 s: the bar has time to move. A fresh id, so no cache hit.
    const before = frames.length;
    await url.fill(`https://www.tiktok.com/@slow/video/${uniqueId()}`);
    expect(await page.getByTestId("detected-service").textContent()).toBe("TikTok link");
    await save.click();
    const clicked = await pageClock(page);
    const progress = page.getByTestId("save-progress");
    await expect.poll(() => progress.getAttribute("data-stage"), { timeout: 30_000 }).toMatch(/^(resolve|download|convert|upload)$/);
    const shooting = await pageClock(page);
    await screenshotBoth(page, "save-progress");
    const shot = await pageClock(page);

    const link = page.getByRole("link", { name: /Download/ });
    await link.waitFor({ timeout: 90_000 });
    // Nothing moved while the events drove the bar, nor when the result replaced it (the screenshots' resizes aside).
    expect(await layoutShiftScore(page, clicked, await pageClock(page), [[shooting, shot + 1000]])).toBeLessThan(0.01);
    await screenshotBoth(page, "save-done");
    expect(await seriousAxeViolations(page)).toEqual([]);

    const events = frames.slice(before);
    const finalAt = events.findIndex((e) => e.final);
    expect(events[finalAt]).toMatchObject({ type: "task", status: "succeeded", progress: 100 });
    // At least one event that was not the final one arrived first: the bar was driven while the request waited.
    expect(events.slice(0, finalAt).filter((e) => !e.final && e.status !== "succeeded").length).toBeGreaterThan(0);

    const { download, bytes } = await downloadedBytes(page, () => link.click());
    expect(download.suggestedFilename()).toMatch(/^\d+\.mp4$/);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");
    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it("converts a YouTube video to mp3 for a signed-in user and downloads it", async () => {
    const user = await approvedUser("save");
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await signIn(page, user);
    await goToPage(page, "/app/save");

    await page.getByLabel("Link to the video or post").fill("https://www.youtube.com/watch?v=e2eVideo001");
    await page.getByLabel("Resolution").waitFor();
    await screenshotBoth(page, "save-youtube-options");
    await page.getByLabel("Format").selectOption("mp3");
    // Resolution applies to video only.
    expect(await page.getByLabel("Resolution").count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Save" }).click();
    const button = page.getByRole("button", { name: /Download/ });
    await button.waitFor({ timeout: 90_000 });
    await screenshotBoth(page, "save-youtube-done");

    const { download, bytes } = await downloadedBytes(page, () => button.click());
    expect(download.suggestedFilename()).toMatch(/\.mp3$/);
    expect(bytes.length).toBeGreaterThan(0);
    const id3 = bytes.subarray(0, 3).toString("latin1") === "ID3";
    const frameSync = bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0;
    expect(id3 || frameSync).toBe(true);

    // An Instagram video post: the content option, then an mp4.
    await page.getByLabel("Link to the video or post").fill("https://www.instagram.com/p/Ve2eClip1/");
    await page.getByLabel("Content").selectOption("video");
    await page.getByRole("button", { name: "Save" }).click();
    const igButton = page.getByRole("button", { name: /Download instagram_video_/ });
    await igButton.waitFor({ timeout: 90_000 });
    const ig = await downloadedBytes(page, () => igButton.click());
    expect(ig.bytes.subarray(4, 8).toString("latin1")).toBe("ftyp");

    // A removed video, in Russian: the message is looked up in the chosen language.
    await page.getByLabel("Link to the video or post").fill("https://www.youtube.com/watch?v=unavailable");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), { timeout: 60_000 }).toContain("This video was not found");
    await page.getByLabel("Language").selectOption("ru");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("Видео не найдено");
    await screenshotBoth(page, "save-error-not-found-ru");
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});
