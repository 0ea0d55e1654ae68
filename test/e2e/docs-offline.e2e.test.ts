/**
 * Issue 15: /docs (Swagger UI) and /redoc render the API's operations in a real browser whose requests to
 * anything but loopback are aborted, so every script and style they need must come from the platform.
 */
import { describe, expect, it } from "vitest";
import { suiteBrowser } from "./support/browser";
import { stack } from "./support/client";
import { screenshotBoth } from "./support/web-app";

describe("documentation pages offline", () => {
  const browser = suiteBrowser();

  /** Opens a docs page and waits for operation paths of two faces to be shown; returns what the guard aborted. */
  async function renders(pathname: string, selectorFor: (apiPath: string) => string): Promise<string[]> {
    const abortedFrom = browser().aborted.length;
    const page = await browser().newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    try {
      await page.goto(`${stack().workerUrl}${pathname}`);
      for (const apiPath of ["/api/v1/process", "/download"]) {
        await page
          .locator(selectorFor(apiPath))
          .first()
          .waitFor({ state: "attached", timeout: 30_000 })
          .catch((err: unknown) => {
            throw new Error(`${pathname} did not render ${apiPath}: ${String(err)}\naborted: ${browser().aborted.slice(abortedFrom).join(", ")}\npage errors: ${errors.join("; ")}`);
          });
      }
      await screenshotBoth(page, pathname.slice(1));
      return browser().aborted.slice(abortedFrom);
    } finally {
      await page.close();
    }
  }

  it("Swagger UI at /docs lists the operations with no request leaving loopback", async () => {
    // Swagger UI puts each operation's path in data-path on its summary.
    const aborted = await renders("/docs", (p) => `.opblock-summary-path[data-path="${p}"]`);
    expect(aborted).toEqual([]);
  });

  it("ReDoc at /redoc lists the operations with no request leaving loopback", async () => {
    // ReDoc shows each operation's method and path in its endpoint box; its text is the path itself.
    const aborted = await renders("/redoc", (p) => `xpath=//*[normalize-space(text())="${p}"]`);
    expect(aborted).toEqual([]);
  });
});
