/**
 * Issue 15: the web app's shell in a real browser — the home page lists every page and each opens from the
 * navigation bar without a reload and without sideways scrolling at phone width; the skip link moves keyboard focus to the content; the language switcher
 * changes the whole shell and the document's language; an unknown app path says so. axe-core finds no
 * serious or critical violation; screenshots at desktop and phone width.
 */
import { describe, expect, it } from "vitest";
import { suiteBrowser } from "./support/browser";
import { cspViolations, openApp, PHONE, screenshotBoth, seriousAxeViolations } from "./support/web-app";

const NAV = [
  ["/app/save", "Save & convert"],
  ["/app/watch", "Watch"],
  ["/app/upload", "Upload"],
  ["/app/archive", "Archive"],
  ["/app/studio", "Studio"],
  ["/app/account", "Account"],
] as const;

describe("web app: shell", () => {
  const browser = suiteBrowser();

  it("links every page from home and opens each from the navigation bar without reloading", async () => {
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await openApp(page, "/app/");
    await page.getByRole("heading", { level: 1, name: "Media platform" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "home");

    const links = page.locator("main ul.page-links a");
    expect(await links.evaluateAll((as) => as.map((a) => [a.getAttribute("href"), a.textContent]))).toEqual(NAV.map(([href, label]) => [href, label]));

    // A value set on window survives client-side navigation and is lost by a reload.
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = "same document"));
    // At phone width, too: no page may need sideways scrolling.
    await page.setViewportSize(PHONE);
    for (const [href, label] of NAV) {
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
      await page.waitForURL((url) => url.pathname === href);
      await page.locator("main h1").first().waitFor();
      expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe("same document");
      expect(await page.locator(`header nav a[aria-current="page"]`).evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual([href]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), href).toBeLessThanOrEqual(PHONE.width);
    }
    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it("moves focus to the content with the skip link, the first stop of the keyboard", async () => {
    const page = await browser().newPage();
    await openApp(page, "/app/");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.close();
  });

  it("switches the shell's language and the document's lang to Kazakh and Russian", async () => {
    const page = await browser().newPage();
    await openApp(page, "/app/");
    for (const [code, heading, nav] of [
      ["kk", "Медиа платформа", "Мұрағат"],
      ["ru", "Медиаплатформа", "Архив"],
    ] as const) {
      await page.locator("header select").selectOption(code);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(code);
      await page.locator(`header nav a[href="/app/archive"]`, { hasText: nav }).waitFor();
      await screenshotBoth(page, `home-${code}`);
    }
    // The choice is remembered (localStorage, shared by this context's pages): back to English for the rest.
    await page.locator("header select").selectOption("en");
    await page.getByRole("heading", { level: 1, name: "Media platform" }).waitFor();
    await page.close();
  });

  it("says an unknown app path is not a page", async () => {
    const page = await browser().newPage();
    await openApp(page, "/app/no-such-page");
    await page.getByRole("heading", { level: 1, name: "Page not found" }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "not-found");
    await page.close();
  });
});
