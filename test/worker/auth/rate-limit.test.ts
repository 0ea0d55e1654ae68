import { describe, expect, it } from "vitest";
import { call, postJson } from "../support/http";

describe("rate limiting", () => {
  it("should pass 20 immediate requests, refuse the 21st, and after 6 seconds pass exactly one more", async () => {
    // The saver's policy is seed 004's figure: 10 requests/minute, burst 20 (one token per 6 s).
    const ip = `rl-${crypto.randomUUID()}`;
    const send = () => postJson("/download", { url: "" }, { "CF-Connecting-IP": ip });
    const first = await Promise.all(Array.from({ length: 20 }, send));
    expect(first.map((r) => r.status)).toEqual(Array(20).fill(400));
    expect(first.map((r) => Number(r.headers.get("RateLimit-Remaining"))).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).toBe("6");
    expect(refused.headers.get("RateLimit-Limit")).toBe("20");
    expect(refused.headers.get("RateLimit-Remaining")).toBe("0");
    const body = (await refused.json()) as { detail: string; message: string };
    expect(body.detail).toMatch(/Too many requests/);
    expect(body.message).toBe(body.detail);

    await new Promise((r) => setTimeout(r, 6100));
    const again = await Promise.all([send(), send()]);
    expect(again.map((r) => r.status).sort()).toEqual([400, 429]);
  }, 20_000);

  it("should never let concurrent requests overshoot the bucket", async () => {
    const ip = `rl-${crypto.randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 60 }, () => postJson("/download", { url: "" }, { "CF-Connecting-IP": ip })));
    expect(results.filter((r) => r.status !== 429)).toHaveLength(20);
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
  it("should read the documents' own figures and variables", async () => {
    const { bucketPolicy } = await import("../../../worker/auth/rate-limit");
    const base = {} as Env;
    expect(bucketPolicy(base, "archiver")).toEqual({ capacity: 20, refillPerSecond: 10 / 60 });
    expect(bucketPolicy({ RATE_LIMIT_REQUESTS_PER_MINUTE: "30", RATE_LIMIT_BURST: "5" } as unknown as Env, "archiver")).toEqual({ capacity: 5, refillPerSecond: 0.5 });
    expect(bucketPolicy(base, "studio")).toEqual({ capacity: 100, refillPerSecond: 100 / 3600 });
    expect(bucketPolicy(base, "studioProcess")).toEqual({ capacity: 10, refillPerSecond: 10 / 60 });
    expect(bucketPolicy({ RATE_LIMIT_BURST: "nonsense" } as unknown as Env, "archiver").capacity).toBe(20);
  });
});
