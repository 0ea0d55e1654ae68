/**
 * Issue 15: the web app's Account page in a real browser on the running stack (loopback only): register,
 * approval by the operator CLI, sign-in with the keyboard, and the user's info from /api/user_info.
 * Screenshots at desktop and phone width go to test-output/web/ (or TEST_OUTPUT_DIR/web/).
 */
import { describe, expect, it } from "vitest";
import { adminCli } from "./support/admin-cli";
import { suiteBrowser } from "./support/browser";
import { stack } from "./support/client";
import { cspViolations, screenshotBoth, seriousAxeViolations } from "./support/web-app";

describe("web app: account", () => {
  const browser = suiteBrowser();

  it("registers, waits for approval, signs in with the keyboard and shows the user", async () => {
    const username = `web${Date.now().toString(36)}`;
    const password = "correct horse battery";
    const page = await browser().newPage();
    const refused = cspViolations(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    // A deep link loaded directly: the Worker answers the app's shell, the router shows the page.
    const res = await page.goto(`${stack().workerUrl}/app/account`);
    expect(res?.status()).toBe(200);
    await page.getByRole("form", { name: "Sign in" }).waitFor();
    await screenshotBoth(page, "account-forms");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // getByLabel finds inputs only through their labels: an unlabelled input fails here.
    const register = page.getByRole("form", { name: "Create an account" });
    await register.getByLabel("Username").fill(username);
    await register.getByLabel("E-mail").fill(`${username}@example.com`);
    await register.getByLabel("Password").fill(password);
    await register.getByRole("button", { name: "Register" }).click();
    await expect.poll(() => register.getByRole("status").textContent()).toContain("approve");

    const login = page.getByRole("form", { name: "Sign in" });
    await login.getByLabel("Username").fill(username);
    await login.getByLabel("Password").fill(password);
    await login.getByLabel("Password").press("Enter");
    await expect.poll(() => login.getByRole("alert").textContent()).toContain("Sign-in failed");

    expect(await adminCli(["approve", username])).toContain(username);
    // Keyboard only: focus the password field, submit with Enter.
    await login.getByLabel("Password").focus();
    await page.keyboard.press("Enter");
    const user = page.getByTestId("signed-in-user");
    await user.waitFor({ timeout: 15_000 });
    expect(await user.textContent()).toBe(username);

    // The token is kept in memory only.
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
    expect(stored).not.toMatch(/eyJ/);

    await screenshotBoth(page, "account-signed-in");
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The language switcher swaps every text of the page.
    await page.getByLabel("Language").selectOption("kk");
    await page.getByRole("heading", { level: 1, name: "Тіркелгі" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("kk");
    await screenshotBoth(page, "account-signed-in-kk");

    expect(browser().aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});
