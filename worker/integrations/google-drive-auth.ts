/**
 * Service-account authentication (Google's "OAuth 2.0 for server to server applications"): a JWT signed
 * with the account's RSA key is exchanged for a short-lived access token, which is cached until shortly
 * before it expires. The token and the key never leave this module except in the Authorization header.
 */
import { importPKCS8, SignJWT } from "jose";
import { z } from "zod";
import type { DriveConfig } from "./google-drive-config";
import { DriveError, driveErrorFrom, networkError } from "./google-drive-error";

/** Only files the app creates or opens: enough to create folders and upload, nothing else in the Drive. */
export const DRIVE_FILE_SCOPE = "https://www.googleapis.com/auth/drive.file";
const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Google refuses assertions valid for longer than an hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;
/** Renew this long before Google's expiry, so a token is never sent in its last moments (clock skew, slow calls). */
const RENEW_MARGIN_SECONDS = 120;

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  token_type: z.string().optional(),
});

export interface AccessTokenSource {
  /** A valid access token, from cache or a fresh exchange. */
  get(signal?: AbortSignal): Promise<string>;
  /** Forget the cached token (after Google answered 401 to it). */
  invalidate(): void;
}

export function serviceAccountTokenSource(config: DriveConfig, now: () => number = Date.now): AccessTokenSource {
  let cached: { token: string; renewAt: number } | undefined;
  // Concurrent callers share one exchange instead of each signing and posting their own.
  let inFlight: Promise<string> | undefined;
  let key: Promise<CryptoKey> | undefined;

  const signingKey = () => {
    key ??= importPKCS8(config.serviceAccount.private_key, "RS256").catch(() => {
      key = undefined;
      // jose's error is not passed on as the cause: the key's text must not reach a log through it.
      throw new DriveError("token", 0, "the service account's private_key cannot be read as an RS256 PKCS#8 key", {
        reason: "invalid_key",
        retryable: false,
      });
    });
    return key;
  };

  async function exchange(signal?: AbortSignal): Promise<string> {
    const issuedAt = Math.floor(now() / 1000);
    const assertion = await new SignJWT({ scope: DRIVE_FILE_SCOPE })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", ...(config.serviceAccount.private_key_id ? { kid: config.serviceAccount.private_key_id } : {}) })
      .setIssuer(config.serviceAccount.client_email)
      .setAudience(config.oauthTokenUrl)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_SECONDS)
      .sign(await signingKey());
    let res: Response;
    try {
      res = await fetch(config.oauthTokenUrl, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }),
        signal,
      });
    } catch (cause) {
      throw networkError("token", cause, signal);
    }
    if (!res.ok) throw await driveErrorFrom("token", res);
    const body = tokenResponse.safeParse(await res.json().catch(() => undefined));
    if (!body.success) throw new DriveError("token", res.status, "the token endpoint answered without an access_token", { retryable: true });
    const lifetime = Math.max(0, body.data.expires_in - RENEW_MARGIN_SECONDS);
    cached = { token: body.data.access_token, renewAt: now() + lifetime * 1000 };
    return body.data.access_token;
  }

  return {
    get(signal) {
      if (cached && now() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= exchange(signal).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
