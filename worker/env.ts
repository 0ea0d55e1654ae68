/**
 * Validated configuration. Bindings arrive as strings (wrangler vars, secrets); everything the code reads
 * goes through `getConfig`, which parses once per `env` object and fails loudly on a misconfiguration
 * instead of letting a NaN timeout or an empty secret reach production.
 */
import { z } from "zod";

const seconds = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

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
});

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
