/**
 * Rate-limit policies and the check against the RateLimiter Durable Object. A bucket is keyed by policy
 * and caller identity: the API key, else the user, else the client IP (CF-Connecting-IP, set by
 * Cloudflare's edge and not forgeable by clients there).
 */
import type { BucketPolicy, TakeResult } from "../durable/rate-limiter";
import type { RateLimitName } from "./policy";

interface PolicySetting {
  perMinuteVar: string;
  burstVar: string;
  perMinute: number;
  burst: number;
  /** Set when the document states the rate per hour (the env value is then per hour too). */
  perHour?: true;
}

/**
 * Defaults per policy, each overridable through env (`<VAR>` names below). Seed 004's documented variables
 * (RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST, 10/min burst 20) set the archiver's policy once that
 * face lands; seed 003's 10/min on `process` and 100/hour likewise.
 */
const SETTINGS: Record<RateLimitName, PolicySetting> = {
  saver: { perMinuteVar: "SAVER_RATE_PER_MINUTE", burstVar: "SAVER_RATE_BURST", perMinute: 10, burst: 20 },
  converter: { perMinuteVar: "CONVERTER_RATE_PER_MINUTE", burstVar: "CONVERTER_RATE_BURST", perMinute: 30, burst: 30 },
  auth: { perMinuteVar: "AUTH_RATE_PER_MINUTE", burstVar: "AUTH_RATE_BURST", perMinute: 10, burst: 10 },
  // Players issue many range requests while seeking: generous, but still bounded.
  streaming: { perMinuteVar: "STREAM_RATE_PER_MINUTE", burstVar: "STREAM_RATE_BURST", perMinute: 600, burst: 300 },
  admin: { perMinuteVar: "ADMIN_RATE_PER_MINUTE", burstVar: "ADMIN_RATE_BURST", perMinute: 60, burst: 60 },
  // The transcoder's own callbacks: limited only to stop a leaked URL being used as a firehose.
  internal: { perMinuteVar: "INTERNAL_RATE_PER_MINUTE", burstVar: "INTERNAL_RATE_BURST", perMinute: 6000, burst: 1000 },
  // Seed 004: "Default: 10 requests per minute, Burst: 20", configured by these very variables.
  archiver: { perMinuteVar: "RATE_LIMIT_REQUESTS_PER_MINUTE", burstVar: "RATE_LIMIT_BURST", perMinute: 10, burst: 20 },
  // Seed 003: flask-limiter's "100 per hour" default and "10 per minute" on /api/v1/process.
  studio: { perMinuteVar: "STUDIO_RATE_PER_HOUR", burstVar: "STUDIO_RATE_BURST", perMinute: 100, burst: 100, perHour: true },
  studioProcess: { perMinuteVar: "STUDIO_PROCESS_RATE_PER_MINUTE", burstVar: "STUDIO_PROCESS_RATE_BURST", perMinute: 10, burst: 10 },
};

export function bucketPolicy(env: Env, name: RateLimitName): BucketPolicy {
  const setting = SETTINGS[name];
  const vars = env as unknown as Record<string, string | undefined>;
  const number = (v: string | undefined, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const rate = number(vars[setting.perMinuteVar], setting.perMinute);
  const refillPerSecond = setting.perHour ? rate / 3600 : rate / 60;
  return { capacity: Math.floor(number(vars[setting.burstVar], setting.burst)), refillPerSecond };
}

export function clientIp(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? headers.get("X-Real-IP") ?? "unknown";
}

export async function checkRateLimit(env: Env, name: RateLimitName, identity: string): Promise<TakeResult> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${name}:${identity}`));
  return stub.take(bucketPolicy(env, name));
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
