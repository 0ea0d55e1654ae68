/**
 * A token bucket per key (API key, user, or client IP), in a Durable Object. One object serialises all
 * requests for its key, so concurrent requests can never overshoot the bucket; state is written to the
 * object's storage so an evicted object resumes with the same tokens.
 */
import { DurableObject } from "cloudflare:workers";

export interface BucketPolicy {
  /** Bucket size: how many requests may arrive at once. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface TakeResult {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until one token is available (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  limit: number;
}

interface BucketState {
  tokens: number;
  updatedAt: number;
}

export function refill(state: BucketState, policy: BucketPolicy, now: number): BucketState {
  const elapsed = Math.max(0, now - state.updatedAt) / 1000;
  return { tokens: Math.min(policy.capacity, state.tokens + elapsed * policy.refillPerSecond), updatedAt: now };
}

export function take(state: BucketState, policy: BucketPolicy, now: number, cost = 1): { state: BucketState; result: TakeResult } {
  const current = refill(state, policy, now);
  const allowed = current.tokens >= cost;
  const tokens = allowed ? current.tokens - cost : current.tokens;
  const deficit = Math.max(0, cost - tokens);
  const retryAfterSeconds = allowed ? 0 : Math.ceil(deficit / policy.refillPerSecond);
  const resetSeconds = Math.ceil((policy.capacity - tokens) / policy.refillPerSecond);
  return {
    state: { tokens, updatedAt: now },
    result: { allowed, remaining: Math.floor(tokens), retryAfterSeconds, resetSeconds, limit: policy.capacity },
  };
}

export class RateLimiter extends DurableObject<Env> {
  private state: BucketState | undefined;

  async take(policy: BucketPolicy, cost = 1, now = Date.now()): Promise<TakeResult> {
    this.state ??= (await this.ctx.storage.get<BucketState>("bucket")) ?? { tokens: policy.capacity, updatedAt: now };
    const { state, result } = take(this.state, policy, now, cost);
    this.state = state;
    await this.ctx.storage.put("bucket", state);
    return result;
  }
}
