/**
 * The Worker variables both seed-002 benchmarks start `wrangler dev` with: test environment, and rate limits
 * high enough that one loopback client sending every request never meets a bucket's floor.
 */
import { randomBytes } from "node:crypto";

const RATE_SETTINGS = [
  "SAVER_RATE_PER_MINUTE", "SAVER_RATE_BURST",
  "CONVERTER_RATE_PER_MINUTE", "CONVERTER_RATE_BURST",
  "AUTH_RATE_PER_MINUTE", "AUTH_RATE_BURST",
  "STREAM_RATE_PER_MINUTE", "STREAM_RATE_BURST",
  "ADMIN_RATE_PER_MINUTE", "ADMIN_RATE_BURST",
  "INTERNAL_RATE_PER_MINUTE", "INTERNAL_RATE_BURST",
  "RATE_LIMIT_REQUESTS_PER_MINUTE", "RATE_LIMIT_BURST",
  "STUDIO_RATE_PER_HOUR", "STUDIO_RATE_BURST",
  "STUDIO_PROCESS_RATE_PER_MINUTE", "STUDIO_PROCESS_RATE_BURST",
];

export const benchWorkerVars = (extra: Record<string, string> = {}): Record<string, string> => ({
  APP_ENV: "test",
  JWT_SECRET: randomBytes(48).toString("base64url"),
  BLOB_SIGNING_SECRET: randomBytes(48).toString("base64url"),
  SYNC_TASK_TIMEOUT_SECONDS: "90",
  TASK_RETRY_BASE_SECONDS: "1",
  TASK_LEASE_SECONDS: "300",
  FILE_IDLE_TTL_SECONDS: "1800",
  ...Object.fromEntries(RATE_SETTINGS.map((name) => [name, "1000000"])),
  ...extra,
});

export const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
