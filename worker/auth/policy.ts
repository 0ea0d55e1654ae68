/**
 * Who may call what, and under which rate limit. Every route of every face carries a `RouteAccess`
 * (`worker/faces/face.ts`: a route cannot be declared without one); the access middleware enforces it and
 * the OpenAPI document's `security` is generated from it.
 *
 * Requirements:
 * - public:   anyone; a credential, if sent, is still verified (a bad one is 401) and identifies the caller
 * - user:     a valid credential of an active account
 * - admin:    a valid JWT of an admin
 * - token:    public while the route's token setting (STUDIO_API_TOKEN) is unset; once set, the caller needs
 *             that token as `Authorization: Bearer <token>`, or a platform JWT or API key
 * Credentials: `jwt` (Authorization: Bearer <JWT>), `api_key` (X-API-Key: <key>, or Bearer <key>) and
 * `api_key_query` (`?api_key=<key>`, for WebSocket handshakes, which browsers cannot give headers) and
 * `ws_subprotocol` (a JWT or key offered as the subprotocol `bearer.<credential>` beside `media-platform`:
 * a WebSocket handshake's credential that stays out of the URL; see `ws-subprotocol.ts`).
 */

export type Credential = "jwt" | "api_key" | "api_key_query" | "ws_subprotocol";

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
  | "studioProcess"
  | "studioWebhook";

/** A setting holding one shared bearer token (a document's own `API_TOKEN`). */
export type TokenSetting = "STUDIO_API_TOKEN";

/** Who may call a route and which rate limit charges the call; every route of every face declares one. */
export interface RouteAccess {
  access: "public" | "user" | "admin" | "token";
  credentials: readonly Credential[];
  rateLimit: RateLimitName;
  /** With `access: "token"`: the setting whose value, when set, callers must present. */
  token?: TokenSetting;
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
/** Public until `token` is configured; then that token, a JWT or an API key (seed 003's `API_TOKEN`). */
export const tokenRoute = (rateLimit: RateLimitName, token: TokenSetting): RouteAccess => ({
  access: "token",
  credentials: ANY_CREDENTIAL,
  rateLimit,
  token,
});
export const adminRoute = (rateLimit: RateLimitName): RouteAccess => ({ access: "admin", credentials: JWT_ONLY, rateLimit });

/** The OpenAPI security scheme (registered by the app) of each token setting. */
export const TOKEN_SCHEMES: Record<TokenSetting, string> = { STUDIO_API_TOKEN: "studioApiToken" };

/** OpenAPI `security` requirement objects for a policy. */
export function openApiSecurity(policy: RouteAccess): Record<string, string[]>[] {
  const schemes: Record<string, string[]>[] = [];
  if (policy.credentials.includes("jwt")) schemes.push({ bearerAuth: [] });
  if (policy.credentials.includes("api_key")) schemes.push({ apiKeyAuth: [] });
  if (policy.credentials.includes("api_key_query")) schemes.push({ apiKeyQuery: [] });
  if (policy.credentials.includes("ws_subprotocol")) schemes.push({ wsSubprotocol: [] });
  if (policy.token) schemes.push({ [TOKEN_SCHEMES[policy.token]]: [] });
  if (policy.access === "public" || policy.access === "token") schemes.unshift({});
  return schemes;
}
