import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bucketPolicy, clientIp } from "../../../worker/auth/rate-limit";
import worker from "../../../worker/index";
import { BASE, call, postJson } from "../support/http";

/** The Worker under an env with some settings replaced: each test sets the figures it measures. */
function withVars(vars: Record<string, string>): Env {
  return { ...env, ...vars } as Env;
}

async function postDownload(target: Env, headers: Record<string, string>): Promise<Response> {
  const request = new Request(`${BASE}/download`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ url: "" }),
  });
  return worker.fetch(request, target, createExecutionContext());
}

describe("rate limiting", () => {
  it("should let a server-side client behind one address send 30 quick downloads (seed 000 sets no limit)", async () => {
    const ip = `rl-${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 30 }, () => postJson("/download", { url: "" }, { "CF-Connecting-IP": ip })));
    // 400: the empty URL reached the handler, so no request was throttled.
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(400));
    expect(results[0]!.headers.get("RateLimit-Limit")).toBe("120");
  });

  it("should refuse the request past the configured burst, with Retry-After, in the saver's shape", async () => {
    const target = withVars({ SAVER_RATE_PER_MINUTE: "1", SAVER_RATE_BURST: "3" });
    const ip = `rl-${crypto.randomUUID()}`;
    const passed = await Promise.all(Array.from({ length: 3 }, () => postDownload(target, { "CF-Connecting-IP": ip })));
    expect(passed.map((r) => r.status)).toEqual([400, 400, 400]);
    expect(passed.map((r) => Number(r.headers.get("RateLimit-Remaining"))).sort()).toEqual([0, 1, 2]);

    const refused = await postDownload(target, { "CF-Connecting-IP": ip });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("60");
    expect(refused.headers.get("RateLimit-Limit")).toBe("3");
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    const body = (await refused.json()) as { detail: string; message: string };
    expect(body.detail).toMatch(/Too many requests/);
    expect(body.message).toBe(body.detail);
  });

  it("should never let concurrent requests overshoot the bucket", async () => {
    const target = withVars({ SAVER_RATE_PER_MINUTE: "10", SAVER_RATE_BURST: "20" });
    const ip = `rl-${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 60 }, () => postDownload(target, { "CF-Connecting-IP": ip })));
    expect(results.filter((r) => r.status !== 429)).toHaveLength(20);
  });

  it("should key anonymous callers on CF-Connecting-IP only, never on a client-sent X-Real-IP", async () => {
    // No CF-Connecting-IP (as in local development): different X-Real-IP values must share one bucket,
    // or a client could pick a fresh bucket per request.
    const target = withVars({ SAVER_RATE_PER_MINUTE: "1", SAVER_RATE_BURST: "1000" });
    const first = await postDownload(target, { "X-Real-IP": `203.0.113.${Math.floor(Math.random() * 250)}` });
    const second = await postDownload(target, { "X-Real-IP": `198.51.100.${Math.floor(Math.random() * 250)}` });
    expect(Number(second.headers.get("RateLimit-Remaining"))).toBe(Number(first.headers.get("RateLimit-Remaining")) - 1);
    expect(clientIp(new Headers({ "X-Real-IP": "198.51.100.7" }))).toBe("unknown");
    expect(clientIp(new Headers({ "X-Real-IP": "198.51.100.7", "CF-Connecting-IP": "192.0.2.1" }))).toBe("192.0.2.1");
  });

  it("should answer 429 in each face's own shape and keep buckets per caller", async () => {
    const ip = `rl-${crypto.randomUUID()}`;
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) last = await postJson("/api/login", { username: "nobody", password: "x" }, { "CF-Connecting-IP": ip });
    expect(last?.status).toBe(429);
    expect(await last!.json()).toEqual({ status: "error", message: expect.stringMatching(/Too many requests/) });
    // Another address is unaffected.
    const other = await postJson("/api/login", { username: "nobody", password: "x" }, { "CF-Connecting-IP": `rl-${crypto.randomUUID()}` });
    expect(other.status).toBe(401);
  });

  it("should advertise the limit on successful responses", async () => {
    const res = await call("/api/ping");
    expect(res.headers.get("RateLimit-Limit")).toBeTruthy();
    expect(res.headers.get("RateLimit-Policy")).toMatch(/^\d+;w=\d+$/);
  });
});

describe("rate-limit policies from configuration", () => {
  it("should default to the documents' own figures", () => {
    // The worker project sets no saver or studio variables: these are the schema's defaults. It lifts the
    // archiver's for other tests, so that policy is read without them.
    expect(bucketPolicy(env, "saver")).toEqual({ capacity: 120, refillPerSecond: 2 });
    const unlifted: Record<string, unknown> = { ...env };
    delete unlifted.RATE_LIMIT_REQUESTS_PER_MINUTE;
    delete unlifted.RATE_LIMIT_BURST;
    expect(bucketPolicy(unlifted as unknown as Env, "archiver")).toEqual({ capacity: 20, refillPerSecond: 10 / 60 });
    expect(bucketPolicy(env, "studio")).toEqual({ capacity: 100, refillPerSecond: 100 / 3600 });
    expect(bucketPolicy(env, "studioProcess")).toEqual({ capacity: 10, refillPerSecond: 10 / 60 });
    expect(bucketPolicy(env, "auth")).toEqual({ capacity: 10, refillPerSecond: 10 / 60 });
  });

  it("should read each policy's variables", () => {
    expect(bucketPolicy(withVars({ RATE_LIMIT_REQUESTS_PER_MINUTE: "30", RATE_LIMIT_BURST: "5" }), "archiver")).toEqual({ capacity: 5, refillPerSecond: 0.5 });
    expect(bucketPolicy(withVars({ SAVER_RATE_PER_MINUTE: "600", SAVER_RATE_BURST: "50" }), "saver")).toEqual({ capacity: 50, refillPerSecond: 10 });
    expect(bucketPolicy(withVars({ STUDIO_RATE_PER_HOUR: "36" }), "studio").refillPerSecond).toBe(0.01);
  });

  it.each([
    ["RATE_LIMIT_BURST", "abc", "archiver"],
    ["SAVER_RATE_BURST", "0", "saver"],
    ["SAVER_RATE_PER_MINUTE", "-5", "saver"],
    ["STUDIO_PROCESS_RATE_BURST", "2.5", "studioProcess"],
    ["AUTH_RATE_PER_MINUTE", "", "auth"],
  ] as const)("should fail loudly on %s=%j instead of falling back", (name, value, policy) => {
    expect(() => bucketPolicy(withVars({ [name]: value }), policy)).toThrow(new RegExp(`Invalid Worker configuration: ${name}:`));
  });

  it("should refuse requests when a rate setting is invalid, rather than serve them unlimited", async () => {
    const res = await postDownload(withVars({ SAVER_RATE_BURST: "abc" }), { "CF-Connecting-IP": `rl-${crypto.randomUUID()}` });
    expect(res.status).toBe(500);
  });
});
