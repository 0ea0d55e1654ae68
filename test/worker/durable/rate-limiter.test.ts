import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RateLimiter, take } from "../../../worker/durable/rate-limiter";

const policy = { capacity: 20, refillPerSecond: 10 / 60 };

describe("token bucket", () => {
  it("should pass 20 immediate requests, refuse the 21st, and pass exactly one more after 6 seconds", () => {
    let state = { tokens: policy.capacity, updatedAt: 0 };
    const results = [];
    for (let i = 0; i < 21; i++) {
      const r = take(state, policy, 0);
      state = r.state;
      results.push(r.result.allowed);
    }
    expect(results.filter(Boolean)).toHaveLength(20);
    expect(results[20]).toBe(false);
    const after6 = take(state, policy, 6000);
    expect(after6.result.allowed).toBe(true);
    expect(take(after6.state, policy, 6000).result).toMatchObject({ allowed: false, retryAfterSeconds: 6 });
  });
});

describe("RateLimiter Durable Object", () => {
  it("should not overshoot the bucket under concurrent requests", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`concurrent-${crypto.randomUUID()}`));
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 50 }, () => stub.take(policy, 1, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(20);
    expect(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds > 0)).toBe(true);
  });

  it("should resume a drained bucket after eviction, from storage rather than memory", async () => {
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`evicted-${crypto.randomUUID()}`));
    const now = Date.now();
    for (let i = 0; i < 19; i++) await stub.take(policy, 1, now);
    // A new instance over the same storage is what the runtime builds after evicting the object.
    const afterEviction = await runInDurableObject(stub, (_instance: RateLimiter, state) => new RateLimiter(state, env).take(policy, 1, now));
    expect(afterEviction).toMatchObject({ allowed: true, remaining: 0 });
    const refused = await runInDurableObject(stub, (_instance: RateLimiter, state) => new RateLimiter(state, env).take(policy, 1, now));
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 6 });
  });
});
