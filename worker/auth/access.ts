/**
 * Who is calling and whether they may: credentials (JWT or API key) checked against what the route
 * accepts, the rate-limit bucket charged, refusals in the face's error shape.
 */
import type { MiddlewareHandler } from "hono";
import { getConfig } from "../env";
import { secretsEqual } from "../integrations/constant-time";
import type { AppEnv } from "../lib/app-context";
import type { ErrorFormat } from "../lib/error-format";
import { authenticateApiKey, looksLikeApiKey } from "./api-keys";
import type { AuthContext } from "./context";
import { verifyAccessToken } from "./jwt";
import type { Credential, RouteAccess } from "./policy";
import { bucketPolicy, checkRateLimit, clientIp, rateLimitHeaders } from "./rate-limit";
import { getUserById } from "./users";
import { offeredProtocols, WS_PROTOCOL } from "./ws-subprotocol";

export type Identified = { ok: true; auth: (AuthContext & { keyId?: string }) | undefined } | { ok: false; message: string };

async function fromJwt(env: Env, token: string): Promise<Identified> {
  const verified = await verifyAccessToken(env, token);
  if (!verified.ok) return { ok: false, message: verified.reason === "expired" ? "Token has expired" : "Invalid token" };
  // Tokens do not outlive their account: a disabled or deleted user stops working at once.
  const user = await getUserById(env, verified.claims.userId);
  if (!user || user.status !== "active") return { ok: false, message: "Invalid token" };
  return { ok: true, auth: { userId: user.id, username: user.username, role: user.role, via: "jwt" } };
}

async function fromApiKey(env: Env, key: string): Promise<Identified> {
  const auth = await authenticateApiKey(env, key);
  return auth ? { ok: true, auth } : { ok: false, message: "Invalid API key" };
}

/** Identify the caller from the credentials a route accepts. No credential at all is an anonymous caller. */
export async function identifyCaller(env: Env, headers: Headers, accepted: readonly Credential[], url?: URL): Promise<Identified> {
  if (accepted.length === 0) return { ok: true, auth: undefined };
  const apiKey = headers.get("X-API-Key");
  const authorization = headers.get("Authorization");
  const queryKey = accepted.includes("api_key_query") ? url?.searchParams.get("api_key") : null;
  const offered = accepted.includes("ws_subprotocol") ? offeredProtocols(headers) : undefined;
  if (apiKey === null && authorization === null && offered?.credential !== undefined) {
    // Without `media-platform` there is nothing the 101 could select but the token itself.
    if (!offered.offersPlatform) return { ok: false, message: `Offer the ${WS_PROTOCOL} subprotocol beside bearer.<token>` };
    return fromBearer(env, offered.credential, accepted);
  }
  if (apiKey === null && authorization === null && queryKey) return fromApiKey(env, queryKey.trim());
  if (apiKey !== null) {
    if (!accepted.includes("api_key")) return { ok: false, message: "API keys are not accepted here; use a bearer token" };
    return fromApiKey(env, apiKey.trim());
  }
  if (authorization === null) return { ok: true, auth: undefined };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (!bearer) return { ok: false, message: "Invalid authorization header" };
  return fromBearer(env, bearer, accepted);
}

/**
 * A bearer credential (Authorization, or a handshake's `bearer.` subprotocol): a platform key by its
 * format, else a JWT. Imported keys are keys in X-API-Key (or `?api_key=`) only, as for Authorization.
 */
async function fromBearer(env: Env, bearer: string, accepted: readonly Credential[]): Promise<Identified> {
  if (looksLikeApiKey(bearer)) {
    if (!accepted.includes("api_key")) return { ok: false, message: "API keys are not accepted here; use a bearer token" };
    return fromApiKey(env, bearer);
  }
  if (!accepted.includes("jwt")) return { ok: false, message: "Invalid authorization header" };
  return fromJwt(env, bearer);
}

async function presentsToken(headers: Headers, token: string): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("Authorization") ?? "")?.[1];
  return bearer !== undefined && (await secretsEqual(bearer, token));
}

/**
 * The access check of one route: identify the caller from whichever credential the route accepts, charge
 * the caller's rate-limit bucket, and refuse in the route's face's error shape when any of that fails.
 * Installed per route by the app (`worker/app.ts`), so the policy and the error shape are the matched
 * route's own.
 */
export function accessControl(policy: RouteAccess, format: ErrorFormat): MiddlewareHandler<AppEnv> {
  return async function access(c, next) {
    const sharedToken = policy.token ? getConfig(c.env)[policy.token] : undefined;
    const holdsToken = sharedToken !== undefined && (await presentsToken(c.req.raw.headers, sharedToken));
    // The shared token identifies nobody: its holder is charged as an anonymous client.
    const identified: Identified = holdsToken
      ? { ok: true, auth: undefined }
      : await identifyCaller(c.env, c.req.raw.headers, policy.credentials, new URL(c.req.url));
    const auth = identified.ok ? identified.auth : undefined;
    const identity = auth ? (auth.keyId ? `key:${auth.keyId}` : `user:${auth.userId}`) : `ip:${clientIp(c.req.raw.headers)}`;
    const bucket = bucketPolicy(c.env, policy.rateLimit);
    const limit = await checkRateLimit(c.env, policy.rateLimit, bucket, identity);
    const headers = rateLimitHeaders(limit, bucket);
    if (!limit.allowed) {
      const { status, body } = format.http(429, `Too many requests; retry in ${headers["Retry-After"]} seconds`);
      return c.json(body, status, headers);
    }

    const challenge = { "WWW-Authenticate": 'Bearer realm="media-platform"', ...headers };
    if (!identified.ok) {
      const { status, body } = format.http(401, identified.message);
      return c.json(body, status, challenge);
    }
    const needsCaller = policy.access === "user" || policy.access === "admin" || (policy.access === "token" && sharedToken !== undefined && !holdsToken);
    if (needsCaller && !auth) {
      const { status, body } = format.http(401, "Authentication required");
      return c.json(body, status, challenge);
    }
    if (policy.access === "admin" && auth?.role !== "admin") {
      const { status, body } = format.http(403, "Admin privileges required");
      return c.json(body, status, headers);
    }

    c.set("auth", auth);
    await next();
    // A 101 (a WebSocket handed over by a Durable Object) is passed through untouched: its headers are
    // immutable and re-wrapping it would drop the socket. Everything else gets the rate-limit fields.
    if (c.res.status === 101) return;
    for (const [name, value] of Object.entries(headers)) {
      if (!c.res.headers.has(name)) c.header(name, value);
    }
  };
}
