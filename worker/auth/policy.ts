/**
 * Who may call what, and under which rate limit: one table for every route of every face. The access
 * middleware enforces it, the OpenAPI document's `security` is generated from it, and a test fails when a
 * route exists without an entry (so a new face cannot ship unclassified routes).
 *
 * Requirements:
 * - public:   anyone; a credential, if sent, is still verified (a bad one is 401) and identifies the caller
 * - user:     a valid credential of an active account
 * - admin:    a valid JWT of an admin
 * Credentials: `jwt` (Authorization: Bearer <JWT>) and `api_key` (X-API-Key: <key>, or Bearer <key>).
 */

export type Credential = "jwt" | "api_key";

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

export interface RoutePolicy {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI path template, e.g. `/stream/{filename}`. */
  path: string;
  access: "public" | "user" | "admin";
  credentials: readonly Credential[];
  rateLimit: RateLimitName;
  /** Files reached through this route belong to the caller that created them (checked by the service). */
  owned?: boolean;
}

const ANY: readonly Credential[] = ["jwt", "api_key"];
const JWT_ONLY: readonly Credential[] = ["jwt"];

export const ROUTE_POLICIES: readonly RoutePolicy[] = [
  // Seed 000 — documented without authentication.
  { method: "POST", path: "/download", access: "public", credentials: ANY, rateLimit: "saver" },
  { method: "GET", path: "/stream/{filename}", access: "public", credentials: ANY, rateLimit: "streaming" },

  // Seed 001 — "Authentication required" where the document says so; the rest public, files owned.
  { method: "GET", path: "/api/ping", access: "public", credentials: ANY, rateLimit: "converter" },
  { method: "POST", path: "/api/register", access: "public", credentials: ANY, rateLimit: "auth" },
  { method: "POST", path: "/api/login", access: "public", credentials: ANY, rateLimit: "auth" },
  { method: "GET", path: "/api/user_info", access: "user", credentials: ANY, rateLimit: "converter" },
  { method: "POST", path: "/api/youtube/convert", access: "user", credentials: ANY, rateLimit: "converter" },
  { method: "POST", path: "/api/youtube/download", access: "public", credentials: ANY, rateLimit: "streaming", owned: true },
  { method: "DELETE", path: "/api/youtube/delete", access: "public", credentials: ANY, rateLimit: "converter", owned: true },
  { method: "POST", path: "/api/instagram/convert", access: "user", credentials: ANY, rateLimit: "converter" },
  { method: "POST", path: "/api/instagram/download", access: "public", credentials: ANY, rateLimit: "streaming", owned: true },
  { method: "DELETE", path: "/api/instagram/delete", access: "public", credentials: ANY, rateLimit: "converter", owned: true },
  { method: "POST", path: "/api/tiktok/convert", access: "public", credentials: ANY, rateLimit: "converter" },
  { method: "POST", path: "/api/tiktok/download", access: "public", credentials: ANY, rateLimit: "streaming", owned: true },
  { method: "DELETE", path: "/api/tiktok/delete", access: "public", credentials: ANY, rateLimit: "converter", owned: true },
  { method: "POST", path: "/api/logs", access: "user", credentials: ANY, rateLimit: "converter", owned: true },
  { method: "POST", path: "/api/stats", access: "public", credentials: ANY, rateLimit: "converter" },

  // Platform: API keys (managed with a JWT only, so a leaked key cannot mint more keys), operations, blobs.
  { method: "POST", path: "/api/keys", access: "user", credentials: JWT_ONLY, rateLimit: "auth" },
  { method: "GET", path: "/api/keys", access: "user", credentials: JWT_ONLY, rateLimit: "converter", owned: true },
  { method: "DELETE", path: "/api/keys/{key_id}", access: "user", credentials: JWT_ONLY, rateLimit: "converter", owned: true },
  { method: "POST", path: "/api/admin/users/{username}/approve", access: "admin", credentials: JWT_ONLY, rateLimit: "admin" },
  { method: "GET", path: "/api/admin/users/pending", access: "admin", credentials: JWT_ONLY, rateLimit: "admin" },
  { method: "GET", path: "/api/admin/tasks", access: "admin", credentials: JWT_ONLY, rateLimit: "admin" },
  // Signed URLs carry their own authority (HMAC grant); only the transcoder holds them.
  { method: "PUT", path: "/internal/blobs/{token}/{name}", access: "public", credentials: [], rateLimit: "internal" },
  { method: "GET", path: "/internal/blobs/{token}/{name}", access: "public", credentials: [], rateLimit: "internal" },
];

/** Documentation routes: public, not part of any face. */
export const DOC_PATHS = ["/openapi.json", "/docs", "/redoc"] as const;

interface CompiledPolicy {
  policy: RoutePolicy;
  pattern: RegExp;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `/api/keys/{key_id}` → /^\/api\/keys\/[^/]+\/?$/ : a parameter is one non-empty path segment. */
function templateToRegExp(template: string): RegExp {
  const literal = template.split(/\{[^}]+\}/).map(escapeRegExp);
  return new RegExp(`^${literal.join("[^/]+")}/?$`);
}

const compiled: CompiledPolicy[] = ROUTE_POLICIES.map((policy) => ({ policy, pattern: templateToRegExp(policy.path) }));

/** The policy of a request, or undefined for paths no route serves (they end in a 404). HEAD uses GET's. */
export function policyFor(method: string, path: string): RoutePolicy | undefined {
  const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
  return compiled.find((c) => c.policy.method === m && c.pattern.test(path))?.policy;
}

/** The policy of an OpenAPI operation, by its exact path template (no matching needed). */
export function policyForTemplate(method: string, template: string): RoutePolicy | undefined {
  const m = method.toUpperCase();
  return ROUTE_POLICIES.find((p) => p.method === m && p.path === template);
}

/** OpenAPI `security` requirement objects for a policy. */
export function openApiSecurity(policy: RoutePolicy): Record<string, string[]>[] {
  const schemes: Record<string, string[]>[] = [];
  if (policy.credentials.includes("jwt")) schemes.push({ bearerAuth: [] });
  if (policy.credentials.includes("api_key")) schemes.push({ apiKeyAuth: [] });
  if (policy.access === "public") schemes.unshift({});
  return schemes;
}
