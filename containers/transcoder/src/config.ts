/**
 * The transcoder's configuration, read once from the environment. Everything that differs between
 * production, local development and tests lives here, so modules take a Config instead of reading
 * process.env themselves.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const flag = z
  .string()
  .optional()
  .transform((v) => v === "1" || v === "true");

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8788),
  HOST: z.string().min(1).default("127.0.0.1"),
  YTDLP_PATH: z.string().min(1).default("yt-dlp"),
  FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
  FFPROBE_PATH: z.string().min(1).default("ffprobe"),
  WORK_DIR: z.string().min(1).default(path.join(os.tmpdir(), "transcoder")),
  TRANSCODER_TEST_MODE: flag,
  TRANSCODER_ALLOWED_ORIGINS: z.string().default(""),
  /**
   * Exact origins trusted in every mode: the Worker's own origin when it is on a private address (local
   * development, where the Worker is http://127.0.0.1:8787 and serves the signed input URLs).
   */
  TRANSCODER_TRUSTED_ORIGINS: z.string().default(""),
  /** Shared secret the Worker sends as `Authorization: Bearer <token>`; empty = no auth (loopback dev). */
  TRANSCODER_TOKEN: z.string().default(""),
  /** Whole-operation budget; a fetch that runs longer fails with `timeout` (retryable). */
  TRANSCODER_OPERATION_TIMEOUT_MS: positiveInt(15 * 60_000),
  /** yt-dlp metadata extraction (`-J`) budget. */
  TRANSCODER_RESOLVE_TIMEOUT_MS: positiveInt(90_000),
  TRANSCODER_PROBE_TIMEOUT_MS: positiveInt(30_000),
  TRANSCODER_SOCKET_TIMEOUT_S: positiveInt(20),
});

export type Config = {
  port: number;
  host: string;
  ytDlpPath: string;
  ffmpegPath: string;
  ffprobePath: string;
  workDir: string;
  /** Test mode: yt-dlp's generic extractor is on and `allowedOrigins` bypass the network guard. */
  testMode: boolean;
  /**
   * Exact origins (`http://127.0.0.1:9100`) reachable despite the guard: TRANSCODER_ALLOWED_ORIGINS only in
   * test mode, TRANSCODER_TRUSTED_ORIGINS always.
   */
  allowedOrigins: ReadonlySet<string>;
  /** Required bearer token for /v1/* (undefined: none required). */
  token: string | undefined;
  operationTimeoutMs: number;
  resolveTimeoutMs: number;
  probeTimeoutMs: number;
  socketTimeoutSeconds: number;
};

const parseOrigins = (list: string): Set<string> => {
  const origins = new Set<string>();
  for (const raw of list.split(",")) {
    const trimmed = raw.trim();
    if (!trimmed) continue;
    // Normalise through URL so "http://127.0.0.1:9100/" and "http://127.0.0.1:9100" are the same.
    origins.add(new URL(trimmed).origin);
  }
  return origins;
};

export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const e = envSchema.parse(env);
  return {
    port: e.PORT,
    host: e.HOST,
    ytDlpPath: e.YTDLP_PATH,
    ffmpegPath: e.FFMPEG_PATH,
    ffprobePath: e.FFPROBE_PATH,
    workDir: e.WORK_DIR,
    testMode: e.TRANSCODER_TEST_MODE,
    allowedOrigins: new Set([
      ...(e.TRANSCODER_TEST_MODE ? parseOrigins(e.TRANSCODER_ALLOWED_ORIGINS) : []),
      ...parseOrigins(e.TRANSCODER_TRUSTED_ORIGINS),
    ]),
    token: e.TRANSCODER_TOKEN || undefined,
    operationTimeoutMs: e.TRANSCODER_OPERATION_TIMEOUT_MS,
    resolveTimeoutMs: e.TRANSCODER_RESOLVE_TIMEOUT_MS,
    probeTimeoutMs: e.TRANSCODER_PROBE_TIMEOUT_MS,
    socketTimeoutSeconds: e.TRANSCODER_SOCKET_TIMEOUT_S,
  };
};
