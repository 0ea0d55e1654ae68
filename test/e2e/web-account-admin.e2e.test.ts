/**
 * Issue 15: the Account page's API keys and admin section in a real browser on the running stack (loopback
 * only). A key created in the page is read from the page and works against an API until it is revoked in
 * the page; an admin approves an account registered by the test (which can then sign in) and retries a dead
 * task, which runs again. axe-clean; screenshots at both widths.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, type TestBrowser } from "./support/browser";
import { api, fixtureHits, postJson, stack, uniqueId } from "./support/client";
import { approvedUser, cspViolations, screenshotBoth, seriousAxeViolations, signIn } from "./support/web-app";

const withKey = (key: string) => api("/api/v1/jobs", { headers: { "X-API-Key": key } });

describe("web app: account keys and admin", () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: stack().workerUrl });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("creates an API key shown once, copies it, uses it, and revokes it", { timeout: 120_000 }, async () => {
    const user = await approvedUser("keys");
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await signIn(page, user);
    expect(await page.getByRole("heading", { name: "Administration" }).count()).toBe(0);

    const keys = page.getByRole("region", { name: "API keys", exact: true });
    await keys.getByLabel("Name of the new key").fill("e2e script");
    await keys.getByRole("button", { name: "Create key" }).click();
    const shown = keys.getByLabel("Your new key (copy it now: it will not be shown again)");
    await shown.waitFor();
    expect(await shown.getAttribute("readonly")).not.toBeNull();
    const key = await shown.inputValue();
    expect(key).toMatch(/^mpk_/);
    await keys.getByRole("button", { name: "Copy", exact: true }).click();
    await expect.poll(() => page.locator("#copy-status").textContent()).toBe("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const listed = keys.locator("tr", { hasText: "e2e script" });
    await listed.waitFor();
    expect(await listed.textContent()).toContain(key.slice(0, 8));

    expect((await withKey(key)).status).toBe(200);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "account-keys-new");

    page.once("dialog", (dialog) => void dialog.accept());
    await keys.getByRole("button", { name: "Revoke e2e script" }).click();
    await expect.poll(() => page.locator("#keys-status").textContent()).toBe("Key revoked.");
    expect((await withKey(key)).status).toBe(401);
    await expect.poll(() => listed.textContent()).toContain("revoked");
    expect(browser.aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it("lets an admin approve a pending account and retry a dead task", { timeout: 240_000 }, async () => {
    const admin = await approvedUser("adm", { admin: true });
    const pending = `pend${Date.now().toString(36)}`;
    const password = "correct horse battery";
    expect((await postJson("/api/register", { username: pending, email: `${pending}@example.test`, password })).status).toBeLessThan(300);
    expect((await postJson("/api/login", { username: pending, password })).status).toBe(403);

    // A dead task: a queue job for a fixture post that answers 404, with no retries.
    const post = `/tiktok/@gone/video/${uniqueId()}`;
    const added = await postJson("/api/v1/queue/jobs", { url: `https://www.tiktok.com${post.slice("/tiktok".length)}`, priority: 5, max_retries: 0 });
    expect(added.status).toBe(201);
    const { job_id: taskId } = (await added.json()) as { job_id: string };
    const adminGet = (path: string) => api(path, { headers: { Authorization: `Bearer ${admin.token}` } });
    await expect
      .poll(async () => ((await (await adminGet("/api/admin/tasks?status=dead&limit=200")).json()) as { tasks: { id: string }[] }).tasks.some((t) => t.id === taskId), {
        timeout: 120_000,
        interval: 1000,
      })
      .toBe(true);

    const page = await browser.newPage();
    const refused = cspViolations(page);
    await signIn(page, admin);
    const section = page.getByRole("region", { name: "Administration" });
    await section.waitFor();
    const deadRow = section.locator(`tr[data-task-id="${taskId}"]`);
    await deadRow.waitFor();
    expect(await deadRow.textContent()).toMatch(/unavailable|not found|404/i);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshotBoth(page, "account-admin");

    await section.getByRole("button", { name: `Approve ${pending}` }).click();
    await expect.poll(() => page.locator("#admin-status").textContent()).toBe(`${pending} is approved and can sign in now.`);
    expect((await postJson("/api/login", { username: pending, password })).status).toBe(200);
    await expect.poll(() => section.locator("tr", { hasText: pending }).count()).toBe(0);

    const hitsBefore = (await fixtureHits())[post] ?? 0;
    expect(hitsBefore).toBeGreaterThan(0);
    await section.getByRole("button", { name: `Retry task ${taskId}` }).click();
    await expect.poll(() => page.locator("#admin-status").textContent()).toBe(`Task ${taskId} is queued again.`);
    // It ran again: the fixture server saw the post fetched once more.
    await expect.poll(async () => (await fixtureHits())[post] ?? 0, { timeout: 120_000, interval: 1000 }).toBeGreaterThan(hitsBefore);
    await screenshotBoth(page, "account-admin-retried");
    expect(browser.aborted).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });
});
