/**
 * Who may call what, and under which rate limit. Every route of every face carries a `RouteAccess`
 * (`worker/faces/face.ts`: a route cannot be declared without one); the access middleware enforces it and
 * the OpenAPI document's `security` is generated from it.
 *
 * Requirements:
 * - public:   anyone; a credential, if sent, is still verified (a bad one is 401) and identifies the caller
 * - user:     a valid credential of an active account
 * - admin:    a valid JWT of an admin
 * Credentials: `jwt` (Authorization: Bearer <JWT>), `api_key` (X-API-Key: <key>, or Bearer <key>) and
 * `api_key_query` (`?api_key=<key>`, for WebSocket handshakes, which browsers cannot give headers).
 */

export type Credential = "jwt" | "api_key" | "api_key_query";

export type RateLimitName =
  | "saver"
  | "converter"
  | "auth"
  | "streaming"
  | "admin"
  | "internal"
  // Policies the documents set for faces that land next (seed 004 archiver, seed 003 studio).
  | "archiver"
  | "studio"
  | "studioProcess";

/** Who may call a route and which rate limit charges the call; every route of every face declares one. */
export interface RouteAccess {
  access: "public" | "user" | "admin";
  credentials: readonly Credential[];
  rateLimit: RateLimitName;
}

export const ANY_CREDENTIAL: readonly Credential[] = ["jwt", "api_key"];
/** Managing keys and accounts needs a JWT: a leaked key cannot mint more keys. */
export const JWT_ONLY: readonly Credential[] = ["jwt"];

/** Anyone may call; a credential, if sent, is still verified and identifies the caller. */
export const publicRoute = (rateLimit: RateLimitName, credentials: readonly Credential[] = ANY_CREDENTIAL): RouteAccess => ({
  access: "public",
  credentials,
  rateLimit,
});
export const userRoute = (rateLimit: RateLimitName, credentials: readonly Credential[] = ANY_CREDENTIAL): RouteAccess => ({
  access: "user",
  credentials,
  rateLimit,
});
export const adminRoute = (rateLimit: RateLimitName): RouteAccess => ({ access: "admin", credentials: JWT_ONLY, rateLimit });

/** OpenAPI `security` requirement objects for a policy. */
export function openApiSecurity(policy: RouteAccess): Record<string, string[]>[] {
  const schemes: Record<string, string[]>[] = [];
  if (policy.credentials.includes("jwt")) schemes.push({ bearerAuth: [] });
  if (policy.credentials.includes("api_key")) schemes.push({ apiKeyAuth: [] });
  if (policy.credentials.includes("api_key_query")) schemes.push({ apiKeyQuery: [] });
  if (policy.access === "public") schemes.unshift({});
  return schemes;
}
