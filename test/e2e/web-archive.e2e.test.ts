/**
 * Issue 15: the web app's Archive page in a real browser on the running stack (loopback only, fixture
 * TikTok): a profile job watched over its WebSocket to 100 % (frames asserted, the token never in a
 * URL: it travels as the `bearer.` subprotocol), the archived videos in the grid with thumbnails, the
 * zip, and a scheduled job created, toggled, edited and deleted. Screenshots at both widths.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { userVideos } from "../fixtures/tiktok-catalogue";
import { suiteBrowser } from "./support/browser";
import { stack } from "./support/client";
import { approvedUser, cspViolations, DESKTOP, goToPage, PHONE, screenshotBoth, seriousAxeViolations, signIn } from "./support/web-app";
import type { Page } from "playwright-core";

/** A profile only this test archives (test/fixtures/tiktok-catalogue.ts): test files run in any order. */
const PROFILE = "archive.web";

/** Elements of the page's main content (the shell's header is not this page's) wider than a phone's viewport. */
async function overflowingAtPhoneWidth(page: Page): Promise<string[]> {
  await page.setViewportSize(PHONE);
  const wide = await page.evaluate((width) =>
    Array.from(document.querySelectorAll("main *"))
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ""}${e.className ? `.${String(e.className).split(" ").join(".")}` : ""}`),
  PHONE.width);
  await page.setViewportSize(DESKTOP);
  return wide;
}

describe("web app: archive", () => {
  const browser = suiteBrowser();

  it("archives a profile live over the WebSocket, lists the videos, downloads the zip and manages a schedule", { timeout: 240_000 }, async () => {
    const user = await approvedUser("arch");
    const tag = user.username;
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    const requestUrls: string[] = [];
    page.on("request", (request) => requestUrls.push(request.url()));
    let pageToken = "";
    page.on("response", async (response) => {
      if (new URL(response.url()).pathname === "/api/login" && response.ok()) pageToken = ((await response.json()) as { access_token: string }).access_token;
    });
    const sockets: string[] = [];
    const frames: string[] = [];
    page.on("websocket", (ws) => {
      sockets.push(ws.url());
      ws.on("framereceived", (frame) => frames.push(String(frame.payload)));
    });

    await signIn(page, user);
    expect(pageToken).toMatch(/^eyJ/);
    await goToPage(page, "/app/archive");
    const form = page.getByRole("form", { name: "New archive job" });
    await form.waitFor();
    await page.getByRole("heading", { name: "Scheduled jobs" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "archive-form");

    // A leading @ is the API's to refuse; the page shows its explanation.
    await form.getByLabel("Username or hashtag").fill(`@${PROFILE}`);
    await form.getByRole("button", { name: "Start archiving" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("without a leading @");

    await form.getByLabel("Username or hashtag").fill(PROFILE);
    await form.getByLabel("Videos to archive").fill("20");
    await form.getByRole("button", { name: "Start archiving" }).click();
    const job = page.getByTestId("job-view");
    await job.waitFor();
    // Once the first video has landed, so the screenshot shows a job under way (unless it is already done).
    await expect.poll(() => job.getByTestId("live-video").count(), { timeout: 180_000, interval: 200 }).toBeGreaterThan(0);
    await screenshotBoth(page, "archive-job-running");

    // The bar is driven by the socket's messages: it reaches 100 and the counters match the fixture.
    const bar = job.locator("progress");
    await expect.poll(() => bar.getAttribute("value"), { timeout: 180_000, interval: 500 }).toBe("100");
    const videos = userVideos(PROFILE)!;
    await expect.poll(() => job.getByTestId("counter-ok").textContent()).toBe(String(videos.length));
    expect(await job.getByTestId("counter-total").textContent()).toBe(String(videos.length));

    const messages = frames.filter((f) => f.startsWith("{")).map((f) => JSON.parse(f) as { job: { progress: number }; video?: { id: string }; final: boolean });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.at(-1)).toMatchObject({ job: { progress: 100 }, final: true });
    // Each video that got a message is in the live list.
    const messaged = new Set(messages.flatMap((m) => (m.video ? [m.video.id] : [])));
    expect(messaged.size).toBeGreaterThan(0);
    expect(await job.getByTestId("live-video").count()).toBe(messaged.size);

    // The grid: every video of the profile, with its frame as the thumbnail and its metadata.
    const cards = job.getByTestId("archived-video");
    await expect.poll(() => cards.count(), { timeout: 30_000 }).toBe(videos.length);
    await expect.poll(() => job.getByTestId("video-frame").count(), { timeout: 30_000 }).toBe(videos.length);
    const newest = [...videos].sort((a, b) => b.createTime - a.createTime)[0]!;
    const withNewest = async () => (await cards.allTextContents()).filter((text) => text.includes(newest.description)).length;
    expect(await withNewest()).toBe(1);
    expect(await cards.first().textContent()).toContain(`@${PROFILE}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(await overflowingAtPhoneWidth(page)).toEqual([]);
    await screenshotBoth(page, "archive-job-done");
    // The same state in Kazakh: every word of the page comes from its text table.
    await page.getByLabel("Language").selectOption("kk");
    await page.getByRole("heading", { level: 1, name: "Мұрағат" }).waitFor();
    expect(await job.textContent()).toContain("Мұрағатталды");
    await screenshotBoth(page, "archive-job-done-kk");
    await page.getByLabel("Тіл").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "Archive" }).waitFor();

    // The zip, fetched with the token and saved as a download.
    const [download] = await Promise.all([page.waitForEvent("download"), job.getByRole("button", { name: "Download zip" }).click()]);
    const zip = await readFile((await download.path())!);
    expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(zip.includes(Buffer.from("metadata.json"))).toBe(true);
    await expect.poll(() => job.locator("#zip-status").textContent()).toContain("downloaded");

    // The status filter lists the finished job.
    await page.getByLabel("Status", { exact: true }).selectOption("completed");
    const listed = page.locator(".archive-jobs li");
    await expect.poll(() => listed.filter({ hasText: PROFILE }).count()).toBeGreaterThan(0);
    for (const text of await listed.allTextContents()) expect(text).toContain("completed");

    // A scheduled job: create, toggle, edit, delete.
    const schedules = page.getByRole("region", { name: "Scheduled jobs" });
    const scheduleForm = schedules.getByRole("form", { name: "New schedule" });
    await scheduleForm.getByLabel("Name", { exact: true }).fill(`Nightly ${tag}`);
    await scheduleForm.getByLabel("Username or hashtag").fill(PROFILE);
    await scheduleForm.getByLabel("minutes").fill("60");
    await scheduleForm.getByRole("button", { name: "Add schedule" }).click();
    // Schedules are shared by every credential of the face: this test's row is found by its name.
    const row = schedules.getByTestId("schedule").filter({ hasText: tag });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain("every 60 min");
    expect(await row.getByTestId("next-run").textContent()).not.toBe("never");
    await row.getByRole("button", { name: `Disable Nightly ${tag}` }).click();
    await expect.poll(() => row.textContent()).toContain("(off)");
    await row.getByRole("button", { name: `Edit Nightly ${tag}` }).click();
    const editForm = schedules.getByRole("form", { name: `Edit schedule Nightly ${tag}` });
    await editForm.getByLabel("Name", { exact: true }).fill(`Weekly ${tag}`);
    await editForm.getByLabel("minutes").fill("10080");
    await editForm.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => row.textContent()).toContain("every 10080 min");
    expect(await schedules.locator("#schedules-status").textContent()).toBe(`Schedule Weekly ${tag} saved.`);
    expect(await row.textContent()).toContain(`Weekly ${tag}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await schedules.scrollIntoViewIfNeeded();
    await screenshotBoth(page, "archive-schedules");

    // What the page did is what the API holds.
    const saved = await fetch(`${stack().workerUrl}/api/v1/scheduled-jobs`, { headers: { Authorization: `Bearer ${user.token}` } });
    const mine = ((await saved.json()) as { name: string }[]).filter((s) => s.name.includes(tag));
    expect(mine).toMatchObject([{ name: `Weekly ${tag}`, interval_minutes: 10080, enabled: false }]);
    await row.getByRole("button", { name: `Delete Weekly ${tag}` }).click();
    await expect.poll(() => row.count()).toBe(0);
    const after = await fetch(`${stack().workerUrl}/api/v1/scheduled-jobs`, { headers: { Authorization: `Bearer ${user.token}` } });
    expect(((await after.json()) as { name: string }[]).filter((s) => s.name.includes(tag))).toEqual([]);

    // No credential in any URL: the socket carried the token as a subprotocol. The thumbnails' signed
    // links (/internal/blobs/<grant>/…, from GET /jobs/{id}) carry a grant for one stored file, by the API's
    // design; they are the only URLs allowed a base64url JSON segment.
    expect(sockets.length).toBeGreaterThan(0);
    for (const url of [...requestUrls, ...sockets]) {
      expect(url).not.toContain(pageToken);
      expect(url).not.toMatch(/api_key=|bearer\./);
      if (!new URL(url).pathname.startsWith("/internal/blobs/")) expect(url).not.toContain("eyJ");
    }
    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});
