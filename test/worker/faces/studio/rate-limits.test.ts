/**
 * Seed 003's flask-limiter figures: 100 requests per hour per client on the studio's routes, and 10 per
 * minute on /api/v1/process, refused with 429 in the document's `{success: false, error}` shape.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../../worker/app";
import { bucketPolicy } from "../../../../worker/auth/rate-limit";
import { FACES } from "../../../../worker/faces/index";

describe("studio rate limits", () => {
  it("should read the document's figures by default", () => {
    expect(bucketPolicy(env, "studio")).toEqual({ capacity: 100, refillPerSecond: 100 / 3600 });
    expect(bucketPolicy(env, "studioProcess")).toEqual({ capacity: 10, refillPerSecond: 10 / 60 });
    // Webhooks: one provider address carries every chat of a bot.
    expect(bucketPolicy(env, "studioWebhook")).toEqual({ capacity: 300, refillPerSecond: 10 });
  });

  it("should refuse the 11th process call of a minute and the 101st call of an hour from one client", async () => {
    const app = createApp(FACES);
    const ip = `203.0.113.${Math.floor(Math.random() * 200)}`;
    const send = (path: string, init: RequestInit = {}) =>
      app.fetch(new Request(`http://platform.test${path}`, { ...init, headers: { "CF-Connecting-IP": ip, "Content-Type": "application/json" } }), env, createExecutionContext());

    // Bodies that fail validation still spend a request, as flask-limiter counts them.
    const process: number[] = [];
    for (let i = 0; i < 11; i++) process.push((await send("/api/v1/process", { method: "POST", body: "{}" })).status);
    expect(process.slice(0, 10).every((s) => s !== 429)).toBe(true);
    expect(process[10]).toBe(429);

    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await send("/api/v1/video/none.mp4")).status);
    expect(statuses.slice(0, 100).every((s) => s === 404)).toBe(true);
    const limited = await send("/api/v1/video/none.mp4");
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { success: boolean; error: string };
    expect(body.success).toBe(false);
    expect(body.error).toMatch(/Too many requests/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
  });
});
