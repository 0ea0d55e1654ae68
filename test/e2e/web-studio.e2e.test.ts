/**
 * Issue 15: the web app's Studio page in a real browser on the running stack (loopback only): a queue job
 * added in the page appears in the table and the counts, a fixture TikTok is compressed to a target (an
 * impossible one first, refused in words with the smallest size), and the analytics charts draw with a
 * text alternative that carries today's figures. axe-clean; screenshots at both widths.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { suiteBrowser } from "./support/browser";
import { api, uniqueId } from "./support/client";
import { approvedUser, cspViolations, goToPage, screenshotBoth, seriousAxeViolations, signIn, type WebUser } from "./support/web-app";

interface Today {
  date: string;
  requests: number;
  downloads: number;
  failures: number;
}

const statsAs = async (user: WebUser, days: number) =>
  ((await (await api(`/api/v1/analytics/stats?days=${days}`, { headers: { Authorization: `Bearer ${user.token}` } })).json()) as { daily: Today[] }).daily[0]!;

/** The hidden table's row for today: the figures a screen reader hears. */
async function todayRow(page: Page): Promise<string[]> {
  const row = page.getByTestId("chart-requests-table").locator("tbody tr").first();
  return row.locator("th, td").allTextContents();
}

describe("web app: studio", () => {
  const browser = suiteBrowser();

  it("queues a job, compresses a video to a target and charts the analytics", { timeout: 300_000 }, async () => {
    const user = await approvedUser("studio");
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await signIn(page, user);
    await goToPage(page, "/app/studio");
    await page.getByRole("heading", { level: 1, name: "Studio" }).waitFor();

    // The queue: a fixture post that answers 404, so the job ends quickly without a whole process run.
    const jobUrl = `https://www.tiktok.com/@gone/video/${uniqueId()}`;
    const queue = page.getByRole("region", { name: "Priority queue" });
    await queue.getByLabel("TikTok video URL").fill(jobUrl);
    await queue.getByLabel("Priority (1 lowest – 10 highest)").fill("9");
    await queue.getByRole("button", { name: "Add to queue" }).click();
    await expect.poll(() => page.locator("#queue-add-status").textContent()).toBe("Job added to the queue.");
    const row = page.locator("tr", { hasText: jobUrl });
    await row.waitFor();
    expect((await row.locator("td").first().textContent())?.trim()).toBe("9");
    // A new account's counts: this one job, whatever its status by now.
    const stats = page.getByTestId("queue-stats");
    await expect.poll(() => stats.locator("div", { hasText: "All jobs" }).locator("dd").textContent()).toBe("1");
    // The filter keeps the job under its own status only.
    const jobStatus = (await row.locator("td").nth(1).textContent())!;
    await page.getByLabel("Show").selectOption({ label: jobStatus === "failed" ? "completed" : "failed" });
    await expect.poll(() => page.locator("tr", { hasText: jobUrl }).count()).toBe(0);
    await page.getByLabel("Show").selectOption({ label: "All statuses" });
    await page.locator("tr", { hasText: jobUrl }).waitFor();
    await screenshotBoth(page, "studio-queue");

    // Compress: an impossible target first, refused with the smallest size in words, then a reachable one.
    const id = uniqueId();
    const compress = page.getByRole("form", { name: "Compress to a size" });
    await compress.getByLabel("TikTok video URL").fill(`https://www.tiktok.com/@studio/video/${id}`);
    await compress.getByLabel("Target size (MB)").fill("0.01");
    await compress.getByRole("button", { name: "Compress" }).click();
    const alert = compress.getByRole("alert");
    await alert.waitFor({ timeout: 120_000 });
    const refusal = (await alert.textContent()) ?? "";
    const smallest = /the smallest possible size is (\d+(?:\.\d+)?) MB/.exec(refusal);
    expect(smallest, refusal).not.toBeNull();
    await screenshotBoth(page, "studio-compress-too-small");

    const target = Math.ceil(Number(smallest![1]) * 150) / 100;
    await compress.getByLabel("Target size (MB)").fill(String(target));
    await compress.getByLabel("Quality").selectOption("low");
    await compress.getByRole("button", { name: "Compress" }).click();
    const link = compress.getByRole("link", { name: "Download the compressed video" });
    await link.waitFor({ timeout: 180_000 });
    const href = await link.getAttribute("href");
    expect(href).toBe(`/api/v1/video/tiktok-${id}-${target}mb-low.mp4`);
    const served = await api(href!, { headers: { Authorization: `Bearer ${user.token}` } });
    expect(served.status).toBe(200);
    expect(Number(served.headers.get("content-length") ?? (await served.arrayBuffer()).byteLength)).toBeLessThanOrEqual(target * 1_000_000);
    expect(await compress.locator("#compress-status").textContent()).toMatch(/^Done: \d+\.\d{2} MB \(\d+ % of the target\)\.$/);
    await screenshotBoth(page, "studio-compress-done");

    // Analytics: reload the figures (switching the period) until the page shows what the API says for today.
    const days = page.getByLabel("Period");
    await expect
      .poll(
        async () => {
          const period = (await days.inputValue()) === "7" ? 30 : 7;
          await days.selectOption(String(period));
          await page.getByTestId("chart-requests-table").waitFor({ state: "attached" });
          const shown = await todayRow(page);
          const api = await statsAs(user, period);
          return shown.join("|") === [api.date, api.requests, api.downloads, api.failures].join("|") ? "matches" : `${shown.join("|")} vs ${JSON.stringify(api)}`;
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe("matches");
    const today = await statsAs(user, 7);
    expect(today.downloads).toBeGreaterThanOrEqual(1);
    const canvas = page.getByTestId("chart-requests-canvas");
    // Drawn: some pixel of the canvas is no longer transparent (a canvas chart.js never drew stays blank).
    const drawn = (id: string) =>
      page.getByTestId(id).evaluate((c: HTMLCanvasElement) => {
        const pixels = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        return pixels.some((value, i) => i % 4 === 3 && value !== 0);
      });
    await expect.poll(() => drawn("chart-requests-canvas")).toBe(true);
    await expect.poll(() => drawn("chart-time-canvas")).toBe(true);
    expect(await canvas.getAttribute("aria-label")).toContain(`Today (${today.date}): Requests ${today.requests}, Downloads ${today.downloads}, Failures ${today.failures}`);
    // The most requested URLs as the API ranks them.
    const top = (await (await api("/api/v1/analytics/top?limit=10")).json()) as { urls: { url: string; requests: number }[] };
    expect(top.urls.length).toBeGreaterThan(0);
    const firstTop = page.getByTestId("top-urls").locator("tbody tr").first().locator("td");
    expect(await firstTop.allTextContents()).toEqual([top.urls[0]!.url, String(top.urls[0]!.requests)]);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "studio-analytics");
    // Every text of the page follows the language switcher, the chart's text alternative included.
    await page.getByLabel("Language").selectOption("kk");
    await page.getByRole("heading", { level: 1, name: "Студия" }).waitFor();
    expect(await page.getByTestId("chart-requests-canvas").getAttribute("aria-label")).toContain(`Бүгін (${today.date})`);
    await screenshotBoth(page, "studio-kk");
    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});
