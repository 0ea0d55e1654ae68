/**
 * Rate-limit policies and the check against the RateLimiter Durable Object. A bucket is keyed by policy
 * and caller identity: the API key, else the user, else the client IP (CF-Connecting-IP, set by
 * Cloudflare's edge and not forgeable by clients there).
 */
import type { BucketPolicy, TakeResult } from "../durable/rate-limiter";
import type { RateLimitName } from "./policy";

interface PolicySetting {
  /** Env variable overriding `rate`, and its default: requests per `per` seconds. */
  rateVar: string;
  rate: number;
  /** 60 when the document states a rate per minute, 3600 per hour (the env value uses the same unit). */
  per: 60 | 3600;
  burstVar: string;
  burst: number;
}

/**
 * Defaults per policy, each overridable through env (`<VAR>` names below). Seed 004's documented variables
 * (RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST, 10/min burst 20) set the archiver's policy once that
 * face lands; seed 003's 10/min on `process` and 100/hour likewise.
 */
const SETTINGS: Record<RateLimitName, PolicySetting> = {
  saver: { rateVar: "SAVER_RATE_PER_MINUTE", rate: 10, per: 60, burstVar: "SAVER_RATE_BURST", burst: 20 },
  converter: { rateVar: "CONVERTER_RATE_PER_MINUTE", rate: 30, per: 60, burstVar: "CONVERTER_RATE_BURST", burst: 30 },
  auth: { rateVar: "AUTH_RATE_PER_MINUTE", rate: 10, per: 60, burstVar: "AUTH_RATE_BURST", burst: 10 },
  // Players issue many range requests while seeking: generous, but still bounded.
  streaming: { rateVar: "STREAM_RATE_PER_MINUTE", rate: 600, per: 60, burstVar: "STREAM_RATE_BURST", burst: 300 },
  admin: { rateVar: "ADMIN_RATE_PER_MINUTE", rate: 60, per: 60, burstVar: "ADMIN_RATE_BURST", burst: 60 },
  // The transcoder's own callbacks: limited only to stop a leaked URL being used as a firehose.
  internal: { rateVar: "INTERNAL_RATE_PER_MINUTE", rate: 6000, per: 60, burstVar: "INTERNAL_RATE_BURST", burst: 1000 },
  // Seed 004: "Default: 10 requests per minute, Burst: 20", configured by these very variables.
  archiver: { rateVar: "RATE_LIMIT_REQUESTS_PER_MINUTE", rate: 10, per: 60, burstVar: "RATE_LIMIT_BURST", burst: 20 },
  // Seed 003: flask-limiter's "100 per hour" default and "10 per minute" on /api/v1/process.
  studio: { rateVar: "STUDIO_RATE_PER_HOUR", rate: 100, per: 3600, burstVar: "STUDIO_RATE_BURST", burst: 100 },
  studioProcess: { rateVar: "STUDIO_PROCESS_RATE_PER_MINUTE", rate: 10, per: 60, burstVar: "STUDIO_PROCESS_RATE_BURST", burst: 10 },
};

export function bucketPolicy(env: Env, name: RateLimitName): BucketPolicy {
  const setting = SETTINGS[name];
  const vars = env as unknown as Record<string, string | undefined>;
  const positive = (v: string | undefined, fallback: number) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    capacity: Math.floor(positive(vars[setting.burstVar], setting.burst)),
    refillPerSecond: positive(vars[setting.rateVar], setting.rate) / setting.per,
  };
}

export function clientIp(headers: Headers): string {
  return headers.get("CF-Connecting-IP") ?? headers.get("X-Real-IP") ?? "unknown";
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
