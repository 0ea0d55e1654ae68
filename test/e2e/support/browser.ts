/**
 * A real browser for e2e tests: Debian's Chromium (installed by `scripts/setup.mjs --test`) driven by
 * playwright-core, in a context that lets requests reach loopback only. Requests to any other host are
 * aborted and recorded, so a test can assert that the page never needed the internet.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless without a GPU or sandbox (the test machine and CI containers run as root without either),
 * nothing that phones home (QUIC, sync, component updates, background fetches), and media allowed to
 * start without a click so a player can call play() on its own.
 */
const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export interface TestBrowser {
  browser: Browser;
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** URLs the loopback guard aborted, in order. */
  aborted: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium. A missing executable is an error, not a skip: CI installs it, so its absence is a
 * broken setup that must show up red.
 */
export async function launchBrowser(executablePath = CHROMIUM_PATH): Promise<TestBrowser> {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: run \`node scripts/setup.mjs --test\` (installs Debian's chromium package)`);
  }
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext();
    const aborted: string[] = [];
    // Loopback requests go on untouched (route.continue), so Chromium checks the servers' real CORS
    // headers on every response. But while any route is installed, Playwright answers CORS preflights
    // itself with an allow-all 204, so a page in this context cannot test a server's preflight handling
    // (hls.js's default GETs are simple requests and need none).
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      if (LOOPBACK_HOSTS.has(new URL(url).hostname)) return route.continue();
      aborted.push(url);
      return route.abort("blockedbyclient");
    });
    return {
      browser,
      context,
      newPage: () => context.newPage(),
      aborted,
      close: async () => {
        await context.close();
        await browser.close();
      },
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * One browser for the tests of the describe block that calls this: launched before them, closed after.
 * Returns a getter, since the browser exists only once beforeAll has run.
 */
export function suiteBrowser(): () => TestBrowser {
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error("the suite's browser is not launched yet (use it inside a test)");
    return browser;
  };
}
