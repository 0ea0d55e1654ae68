/**
 * Signed blob URLs: how the stateless transcoder reads inputs from and writes outputs to R2 without
 * credentials of its own. A token names an R2 key prefix (and optionally one exact name), a method, a
 * size cap and an expiry, HMAC-SHA256-signed with BLOB_SIGNING_SECRET.
 *
 *   PUT  {PUBLIC_BASE_URL}/internal/blobs/{token}/{name}   → R2 key `${prefix}/${name}`
 *   GET  {PUBLIC_BASE_URL}/internal/blobs/{token}/{name}
 */
import { z } from "zod";
import { getConfig } from "../env";
import { fromBase64Url, hmac, timingSafeEqualBytes, toBase64Url } from "../lib/crypto";

const grantSchema = z.object({
  /** R2 key prefix, without trailing slash. */
  p: z.string().min(1).max(300),
  m: z.enum(["GET", "PUT"]),
  /** Expiry, seconds since the epoch. */
  e: z.number().int(),
  /** Maximum bytes per object (PUT). */
  s: z.number().int().positive().optional(),
  /** Only this exact name (GET of one object). */
  n: z.string().optional(),
  /** The task run (id, lease token) a PUT writes for: an object landing after that run ended is removed. */
  r: z.object({ t: z.string().min(1), l: z.string().min(1) }).optional(),
});
export type BlobGrant = z.infer<typeof grantSchema>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function signBlobGrant(secret: string, grant: BlobGrant): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(grant)));
  const mac = toBase64Url(await hmac(secret, payload));
  return `${payload}.${mac}`;
}

export type GrantCheck = { ok: true; grant: BlobGrant } | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

export async function verifyBlobGrant(secret: string, token: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<GrantCheck> {
  const [payload, mac, extra] = token.split(".");
  if (!payload || !mac || extra !== undefined) return { ok: false, reason: "malformed" };
  const given = fromBase64Url(mac);
  if (!given) return { ok: false, reason: "malformed" };
  const expected = await hmac(secret, payload);
  if (!timingSafeEqualBytes(given, expected)) return { ok: false, reason: "bad_signature" };
  const bytes = fromBase64Url(payload);
  if (!bytes) return { ok: false, reason: "malformed" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const grant = grantSchema.safeParse(parsed);
  if (!grant.success) return { ok: false, reason: "malformed" };
  if (grant.data.e < nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true, grant: grant.data };
}

/**
 * A write URL for objects under `prefix`. With `run`, writes belong to that task run: one that lands after
 * the run ended (cancelled, lease lost) is removed again, so nothing a stopped run uploads stays behind the
 * cleanup of its prefix.
 */
export async function uploadUrlFor(
  env: Env,
  prefix: string,
  ttlSeconds: number,
  maxBytes: number,
  run?: { taskId: string; leaseToken: string | null },
): Promise<string> {
  const config = getConfig(env);
  const token = await signBlobGrant(config.BLOB_SIGNING_SECRET, {
    p: prefix,
    m: "PUT",
    e: Math.floor(Date.now() / 1000) + ttlSeconds,
    s: maxBytes,
    ...(run?.leaseToken ? { r: { t: run.taskId, l: run.leaseToken } } : {}),
  });
  return `${config.PUBLIC_BASE_URL.replace(/\/+$/, "")}/internal/blobs/${token}`;
}

/** A read URL for one stored object, for transcoder inputs. */
export async function downloadUrlFor(env: Env, r2Key: string, ttlSeconds: number): Promise<string> {
  const config = getConfig(env);
  const slash = r2Key.lastIndexOf("/");
  const prefix = r2Key.slice(0, slash);
  const name = r2Key.slice(slash + 1);
  const token = await signBlobGrant(config.BLOB_SIGNING_SECRET, {
    p: prefix,
    m: "GET",
    e: Math.floor(Date.now() / 1000) + ttlSeconds,
    n: name,
  });
  return `${config.PUBLIC_BASE_URL.replace(/\/+$/, "")}/internal/blobs/${token}/${encodeURIComponent(name)}`;
}
