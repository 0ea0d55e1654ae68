/**
 * Driving the web app (/app/) in the e2e browser: accounts made the operator's way, signing in through the
 * Account page, moving between pages without a reload (the access token lives in the page's memory only,
 * so `page.goto` after signing in signs the user out), screenshots at desktop and phone width, and axe-core.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { adminCli } from "./admin-cli";
import { postJson, stack } from "./client";
import { testOutputDir } from "./test-output";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface WebUser {
  username: string;
  password: string;
  /** A token for the test's own API calls (the page signs in on its own). */
  token: string;
}

/** An approved account (or, with `admin`, an operator-made admin), and a token for the test's own calls. */
export async function approvedUser(prefix = "web", { admin = false } = {}): Promise<WebUser> {
  const username = `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const password = "correct horse battery";
  if (admin) {
    await adminCli(["create-admin", username, `${username}@example.test`], { ADMIN_PASSWORD: password });
  } else {
    const reg = await postJson("/api/register", { username, email: `${username}@example.test`, password });
    // The converter face answers 200 on registration, as the original service did.
    expect(reg.status).toBe(200);
    await adminCli(["approve", username]);
  }
  const login = await postJson("/api/login", { username, password });
  expect(login.status).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  return { username, password, token: access_token };
}

/**
 * Content-Security-Policy refusals the page reports (Chromium logs each one to the console): a page of the
 * app must need nothing its policy refuses. Call before loading; read the array at the end.
 */
export function cspViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

/** Opens a page of the app by URL (a full load: anyone signed in is signed out). */
export async function openApp(page: Page, appPath = "/app/"): Promise<void> {
  const res = await page.goto(`${stack().workerUrl}${appPath}`);
  expect(res?.status()).toBe(200);
}

/** Signs in through the Account page's form, then waits for the signed-in view. */
export async function signIn(page: Page, user: Pick<WebUser, "username" | "password">): Promise<void> {
  await openApp(page, "/app/account");
  const login = page.getByRole("form", { name: "Sign in" });
  await login.getByLabel("Username").fill(user.username);
  await login.getByLabel("Password").fill(user.password);
  await login.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-user").waitFor({ timeout: 15_000 });
}

/** Moves to another page through the navigation bar, as a user would: no reload, the session stays. */
export async function goToPage(page: Page, appPath: string): Promise<void> {
  await page.locator(`header nav a[href="${appPath}"]`).click();
  await page.waitForURL((url) => url.pathname === appPath);
  await page.locator("main h1").first().waitFor();
}

/** Full-page screenshots at desktop and phone width under test-output/web/, returning the files written. */
export async function screenshotBoth(page: Page, name: string): Promise<string[]> {
  const dir = testOutputDir("web");
  const previous = page.viewportSize() ?? DESKTOP;
  const files: string[] = [];
  for (const [label, size] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(size);
    const file = path.join(dir, `${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  await page.setViewportSize(previous);
  return files;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's violations of impact serious or critical on the page as it is now (WCAG 2.x A/AA rules and
 * best practices), each with the selectors of the elements at fault, so a failure says what to fix.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the app's Content-Security-Policy refuses an injected <script>.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document): Promise<Result> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

/**
 * Records the page's layout shifts (the Layout Instability API) from its first load: each shift not caused
 * by the user's own input within 500 ms, with its time and score. Call before the page loads.
 */
export async function trackLayoutShifts(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __shifts: { at: number; value: number }[] };
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
        if (!entry.hadRecentInput) w.__shifts.push({ at: entry.startTime, value: entry.value });
      }
    }).observe({ type: "layout-shift", buffered: true });
  });
}

/** The page's clock (performance.now()), to mark the ends of a window of layout shifts. */
export const pageClock = (page: Page): Promise<number> => page.evaluate(() => performance.now());

/** The summed score of the shifts recorded in [from, to], leaving out the windows in `skip` (e.g. screenshots' resizes). */
export async function layoutShiftScore(page: Page, from: number, to: number, skip: [number, number][] = []): Promise<number> {
  const shifts = await page.evaluate(() => (window as unknown as { __shifts: { at: number; value: number }[] }).__shifts);
  return shifts
    .filter((s) => s.at >= from && s.at <= to && !skip.some(([a, b]) => s.at >= a && s.at <= b))
    .reduce((sum, s) => sum + s.value, 0);
}
