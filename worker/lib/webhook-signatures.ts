/**
 * Signatures of webhook deliveries signed with a shared secret, checked in constant time:
 * - seed 003's `X-Signature`: hex HMAC-SHA256 of the raw body (the document computes it with Python's
 *   `hmac.new(secret, payload, sha256).hexdigest()`);
 * - TikTok's `TikTok-Signature: t=<unix seconds>,s=<hex>`: HMAC-SHA256 of `<t>.<raw body>`
 *   (https://developers.tiktok.com/doc/webhooks-verification), with a timestamp tolerance against replays.
 * Verify the bytes as received: a re-serialised JSON body signs differently.
 */
import { hmac, timingSafeEqualBytes } from "./crypto";

export const SIGNATURE_HEADER = "X-Signature";
export const TIKTOK_SIGNATURE_HEADER = "TikTok-Signature";
/** How far a TikTok timestamp may be from now (either way) when the caller gives no tolerance. */
export const TIKTOK_DEFAULT_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  /** No header, or an empty one. */
  | "missing"
  /** A header that cannot be a signature of this scheme (not hex, wrong length, no timestamp). */
  | "malformed"
  /** Well-formed, but not this body under this secret. */
  | "mismatch"
  /** TikTok only: authentic, but signed outside the tolerance window (a replay, or a skewed clock). */
  | "stale";

export type SignatureCheck = { ok: true } | { ok: false; reason: SignatureFailure };

const encoder = new TextEncoder();
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

type RawBody = string | Uint8Array | ArrayBuffer;

function bytesOf(body: RawBody): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function requireSecret(secret: string) {
  if (secret === "") throw new TypeError("the webhook secret is empty");
}

/**
 * Checks seed 003's `X-Signature` header: the hex HMAC-SHA256 of the raw body under `secret` (either case;
 * a `sha256=` prefix, as GitHub-style senders write it, is accepted too).
 */
export async function verifyHexHmacSha256(secret: string, rawBody: RawBody, header: string | null | undefined): Promise<SignatureCheck> {
  requireSecret(secret);
  if (header === null || header === undefined || header.trim() === "") return { ok: false, reason: "missing" };
  const hex = header.trim().replace(/^sha256=/i, "");
  if (!HEX_SHA256.test(hex)) return { ok: false, reason: "malformed" };
  const expected = await hmac(secret, bytesOf(rawBody));
  return timingSafeEqualBytes(expected, hexBytes(hex)) ? { ok: true } : { ok: false, reason: "mismatch" };
}

/** `t=…,s=…` → the timestamp and every `s` (a sender rotating secrets may send more than one). */
function parseTikTokHeader(header: string): { t: string; signatures: string[] } | undefined {
  let t: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(",")) {
    const eq = element.indexOf("=");
    if (eq < 0) return undefined;
    const key = element.slice(0, eq).trim();
    const value = element.slice(eq + 1).trim();
    if (key === "t") {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      t = value;
    } else if (key === "s") {
      if (!HEX_SHA256.test(value)) return undefined;
      signatures.push(value);
    }
  }
  return t === undefined || signatures.length === 0 ? undefined : { t, signatures };
}

/**
 * Checks TikTok's `TikTok-Signature` header: HMAC-SHA256 of `${t}.${rawBody}` under the app's client secret,
 * hex. The signature is checked before the timestamp, so `stale` means an authentic but old (or future)
 * delivery. `now` is in milliseconds (Date.now()).
 */
export async function verifyTikTokSignature(
  secret: string,
  rawBody: RawBody,
  header: string | null | undefined,
  now: number,
  toleranceSeconds: number = TIKTOK_DEFAULT_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  requireSecret(secret);
  if (header === null || header === undefined || header.trim() === "") return { ok: false, reason: "missing" };
  const parsed = parseTikTokHeader(header);
  if (!parsed) return { ok: false, reason: "malformed" };
  const prefix = encoder.encode(`${parsed.t}.`);
  const body = bytesOf(rawBody);
  const signed = new Uint8Array(prefix.byteLength + body.byteLength);
  signed.set(prefix, 0);
  signed.set(body, prefix.byteLength);
  const expected = await hmac(secret, signed);
  let match = false;
  // Every given signature is compared, so the time taken does not say which one matched.
  for (const s of parsed.signatures) if (timingSafeEqualBytes(expected, hexBytes(s))) match = true;
  if (!match) return { ok: false, reason: "mismatch" };
  const ageSeconds = Math.abs(now / 1000 - Number(parsed.t));
  return ageSeconds > toleranceSeconds ? { ok: false, reason: "stale" } : { ok: true };
}
