/**
 * Rate-limit policies and the check against the RateLimiter Durable Object. A bucket is keyed by policy
 * and caller identity: the API key, else the user, else the client IP (CF-Connecting-IP, set by
 * Cloudflare's edge and not forgeable by clients there).
 */
import type { BucketPolicy, TakeResult } from "../durable/rate-limiter";
import { getConfig, type RateLimitSetting } from "../env";
import type { RateLimitName } from "./policy";

interface PolicySetting {
  /** Requests per `per` seconds; the setting's name carries the same unit. */
  rate: RateLimitSetting;
  per: 60 | 3600;
  /** Bucket size: how many requests may arrive at once. */
  burst: RateLimitSetting;
}

/** Which validated settings (worker/env.ts, where the defaults live) each policy reads. */
const SETTINGS: Record<RateLimitName, PolicySetting> = {
  saver: { rate: "SAVER_RATE_PER_MINUTE", per: 60, burst: "SAVER_RATE_BURST" },
  converter: { rate: "CONVERTER_RATE_PER_MINUTE", per: 60, burst: "CONVERTER_RATE_BURST" },
  auth: { rate: "AUTH_RATE_PER_MINUTE", per: 60, burst: "AUTH_RATE_BURST" },
  streaming: { rate: "STREAM_RATE_PER_MINUTE", per: 60, burst: "STREAM_RATE_BURST" },
  admin: { rate: "ADMIN_RATE_PER_MINUTE", per: 60, burst: "ADMIN_RATE_BURST" },
  internal: { rate: "INTERNAL_RATE_PER_MINUTE", per: 60, burst: "INTERNAL_RATE_BURST" },
  archiver: { rate: "RATE_LIMIT_REQUESTS_PER_MINUTE", per: 60, burst: "RATE_LIMIT_BURST" },
  studio: { rate: "STUDIO_RATE_PER_HOUR", per: 3600, burst: "STUDIO_RATE_BURST" },
  studioProcess: { rate: "STUDIO_PROCESS_RATE_PER_MINUTE", per: 60, burst: "STUDIO_PROCESS_RATE_BURST" },
  studioWebhook: { rate: "STUDIO_WEBHOOK_RATE_PER_MINUTE", per: 60, burst: "STUDIO_WEBHOOK_RATE_BURST" },
};

/** The bucket of a policy; throws (through getConfig) when a rate setting is not a positive integer. */
export function bucketPolicy(env: Env, name: RateLimitName): BucketPolicy {
  const setting = SETTINGS[name];
  const config = getConfig(env);
  return { capacity: config[setting.burst], refillPerSecond: config[setting.rate] / setting.per };
}

/**
 * Only CF-Connecting-IP identifies the client: Cloudflare's edge sets it and overwrites any value a client
 * sends. Other headers (X-Real-IP, X-Forwarded-For) pass through from the client unchanged, so keying on
 * them would let anyone pick a fresh bucket per request. Without the header (local development) every
 * anonymous caller shares one bucket.
 */
export function clientIp(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? "unknown";
}

export async function checkRateLimit(env: Env, name: RateLimitName, policy: BucketPolicy, identity: string): Promise<TakeResult> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}:${identity}`));
  return stub.take(policy);
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) plus Retry-After on refusals. */
export function rateLimitHeaders(result: TakeResult, policy: BucketPolicy): Record<string, string> {
  const window = Math.round(policy.capacity / policy.refillPerSecond);
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(result.resetSeconds),
    "RateLimit-Policy": `${result.limit};w=${window}`,
  };
  if (!result.allowed) headers["Retry-After"] = String(Math.max(1, result.retryAfterSeconds));
  return headers;
}
