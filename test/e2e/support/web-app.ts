/**
 * Driving the web app (/app/) in the e2e browser: accounts made the operator's way, signing in through the
 * Account page, moving between pages without a reload (the access token lives in the page's memory only,
 * so `page.goto` after signing in signs the user out), screenshots at desktop and phone width, and axe-core.
 */
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
    expect(reg.status).toBe(200);
    await adminCli(["approve", username]);
  }
  const login = await postJson("/api/login", { username, password });
  expect(login.status).toBe(200);
  const { access_token } = (await login.json()) as { access_token: string };
  return { username, password, token: access_token };
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

const axeSource = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's violations of impact serious or critical on the page as it is now (WCAG 2.x A/AA rules and
 * best practices), each with the selectors of the elements at fault, so a failure says what to fix.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run(context: Document): Promise<Result> } }).axe;
    const result = await axe.run(document);
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}
