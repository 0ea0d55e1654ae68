/**
 * Validated configuration. Bindings arrive as strings (wrangler vars, secrets); everything the code reads
 * goes through `getConfig`, which parses once per `env` object and fails loudly on a misconfiguration
 * instead of letting a NaN timeout or an empty secret reach production.
 */
import { z } from "zod";

/**
 * Bindings `wrangler types` cannot generate: wrangler.toml's `[secrets] required` declares only required
 * secrets, and this one is absent outside tests. Read it through getConfig, which validates it.
 */
interface OptionalBindings {
  /** Test mode only (APP_ENV=test): canonical media URLs are fetched from this local fixture origin. */
  SOURCE_FIXTURE_ORIGIN?: string;
  /** Seed 004's keys from its `.env`, comma-separated (`key` or `owner:key`): valid without being stored in clear. */
  ARCHIVER_API_KEYS?: string;
  /** Google Drive delivery for seed 004 (all optional: without the key, videos stay in R2). */
  GOOGLE_DRIVE_SERVICE_ACCOUNT_JSON?: string;
  GOOGLE_DRIVE_API_BASE_URL?: string;
  GOOGLE_DRIVE_OAUTH_TOKEN_URL?: string;
  GOOGLE_DRIVE_ROOT_FOLDER_ID?: string;
  /** Seed 003's API_TOKEN (optional: without it the studio's routes are public, as in the document). */
  STUDIO_API_TOKEN?: string;
  /** Seed 003's WEBHOOK_SECRET: signs POST /webhook/tiktok (X-Signature or TikTok-Signature). */
  WEBHOOK_SECRET?: string;
  /** Telegram bot of seed 003's /webhook/telegram (read by worker/integrations/telegram.ts; off without the token). */
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_API_BASE_URL?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  /** Twilio account of seed 003's /webhook/whatsapp (read by worker/integrations/twilio.ts; off without SID and token). */
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_BASE_URL?: string;
  TWILIO_WHATSAPP_FROM?: string;
  /** Workers AI over REST for seed 003's frame captions and titles (read by worker/integrations/workers-ai.ts; off without account and token). */
  WORKERS_AI_BASE_URL?: string;
  WORKERS_AI_ACCOUNT_ID?: string;
  WORKERS_AI_API_TOKEN?: string;
}
declare global {
  interface Env extends OptionalBindings {}
  namespace Cloudflare {
    interface Env extends OptionalBindings {}
  }
}

const seconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
/** A rate or burst: a whole number of requests, at least 1 ("abc", "0" or "-5" is a misconfiguration). */
const requests = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Rate-limit settings per policy (worker/auth/rate-limit.ts maps policies to these names): a rate in the
 * unit its name says, and a burst (the bucket size).
 */
const rateLimitSchema = z.object({
  // Seed 000 documents no limit, and its clients are often servers behind one address: 20 quick requests
  // must not already throttle them. 120/min with a burst of 120 lets a batch of that size through at once and
  // sustains two downloads a second per address, while one address still cannot flood the transcoder.
  SAVER_RATE_PER_MINUTE: requests(120),
  SAVER_RATE_BURST: requests(120),
  CONVERTER_RATE_PER_MINUTE: requests(30),
  CONVERTER_RATE_BURST: requests(30),
  // Login and registration: each attempt costs a PBKDF2 derivation, and guessing passwords is the threat.
  AUTH_RATE_PER_MINUTE: requests(10),
  AUTH_RATE_BURST: requests(10),
  // Players issue many range requests while seeking: generous, but still bounded.
  STREAM_RATE_PER_MINUTE: requests(600),
  STREAM_RATE_BURST: requests(300),
  ADMIN_RATE_PER_MINUTE: requests(60),
  ADMIN_RATE_BURST: requests(60),
  // The transcoder's own callbacks: limited only to stop a leaked URL being used as a firehose.
  INTERNAL_RATE_PER_MINUTE: requests(6000),
  INTERNAL_RATE_BURST: requests(1000),
  // Seed 004: "Default: 10 requests per minute, Burst: 20", configured by these very variables.
  RATE_LIMIT_REQUESTS_PER_MINUTE: requests(10),
  RATE_LIMIT_BURST: requests(20),
  // Seed 003: flask-limiter's "100 per hour" default and "10 per minute" on /api/v1/process.
  STUDIO_RATE_PER_HOUR: requests(100),
  STUDIO_RATE_BURST: requests(100),
  STUDIO_PROCESS_RATE_PER_MINUTE: requests(10),
  STUDIO_PROCESS_RATE_BURST: requests(10),
  // Provider webhooks arrive from a handful of the provider's addresses for every user of a bot: a client's
  // 100 per hour would refuse a busy bot's deliveries. Signatures, not this limit, keep strangers out.
  STUDIO_WEBHOOK_RATE_PER_MINUTE: requests(600),
  STUDIO_WEBHOOK_RATE_BURST: requests(300),
});

/** The name of one rate-limit setting, e.g. `SAVER_RATE_BURST`. */
export type RateLimitSetting = keyof z.infer<typeof rateLimitSchema>;

const configSchema = z.object({
  APP_ENV: z.enum(["production", "development", "test"]).default("production"),
  PUBLIC_BASE_URL: z.string().url(),
  TRANSCODER_URL: z
    .string()
    .optional()
    .transform((v) => (v ? v.replace(/\/+$/, "") : undefined)),
  TRANSCODER_TOKEN: z.string().optional(),
  FILE_IDLE_TTL_SECONDS: seconds(1800),
  SYNC_TASK_TIMEOUT_SECONDS: seconds(300),
  TASK_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  TASK_RETRY_BASE_SECONDS: seconds(5),
  TASK_LEASE_SECONDS: seconds(900),
  JWT_ISSUER: z.string().min(1).default("media-platform"),
  JWT_TTL_SECONDS: seconds(3600),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  /** Largest file the transcoder may write back for one output. */
  MAX_MEDIA_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must be at least 32 bytes (256 bits)"),
  BLOB_SIGNING_SECRET: z.string().min(32, "BLOB_SIGNING_SECRET must be at least 32 bytes"),
  SOURCE_FIXTURE_ORIGIN: z.string().url().optional(),
  /**
   * Origins (exact, comma-separated; `*` for any) whose browsers may call the routes that need a
   * credential or change something. Anonymous GET routes answer every origin regardless.
   */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean))
    .pipe(z.array(z.union([z.literal("*"), z.string().url()]))),
  /**
   * Seed 002's writes (uploads, removals, metadata changes): `public` as the document has them (no
   * authentication, `user_id` trusted), or `user`: a platform credential is required and a caller changes only
   * what it created.
   */
  SOCIAL_WRITE_ACCESS: z.enum(["public", "user"]).default("public"),
  /** Seed 004's DEBUG: a 500 then carries the error's message in `error`. Never on in production. */
  DEBUG: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  ARCHIVER_API_KEYS: z.string().optional(),
  /** Seed 003's API_TOKEN: when set, studio routes need it as a bearer token (or a platform JWT / API key). */
  STUDIO_API_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /**
   * Seed 003's WEBHOOK_SECRET for POST /webhook/tiktok. Unset: unsigned deliveries are accepted outside
   * production (as the document's handler does) and refused in production.
   */
  WEBHOOK_SECRET: z
    .string()
    .optional()
    .transform((v) => (v ? v : undefined)),
  /** How long the signed R2 links of `drive_links` stay valid when Drive is not configured. */
  ARCHIVER_SIGNED_URL_TTL_SECONDS: seconds(24 * 3600),
}).extend(rateLimitSchema.shape);

export type AppConfig = z.infer<typeof configSchema> & {
  /** The fixture origin, only when APP_ENV is test: a production deploy can never be pointed at it. */
  fixtureOrigin: string | undefined;
};

const cache = new WeakMap<object, AppConfig>();

export function getConfig(env: Env): AppConfig {
  const hit = cache.get(env);
  if (hit) return hit;
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid Worker configuration: ${problems}`);
  }
  const config: AppConfig = {
    ...parsed.data,
    fixtureOrigin: parsed.data.APP_ENV === "test" ? parsed.data.SOURCE_FIXTURE_ORIGIN : undefined,
  };
  cache.set(env, config);
  return config;
}
