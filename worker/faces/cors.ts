/**
 * CORS for every face, decided per route: browser players and web apps on other origins are normal
 * clients of these APIs. Anonymous read routes (public GET/HEAD) answer any origin with `*`; every other
 * route answers only the origins in CORS_ALLOWED_ORIGINS (comma-separated; `*` allows all). Credentials
 * travel in headers (bearer JWT, API key), never cookies, so `Access-Control-Allow-Credentials` is never
 * sent. A face may opt out entirely (`cors: "none"`: the transcoder's signed URLs).
 */
import type { MiddlewareHandler } from "hono";
import { getConfig } from "../env";
import type { AppEnv } from "../lib/app-context";
import type { RouteEntry, RouteTable } from "./route-table";

/** Request headers a cross-origin caller may send. */
const ALLOW_HEADERS = "Authorization, X-API-Key, Content-Type, Range, If-None-Match, If-Range, X-Requested-With, X-Progress-Channel";
/** Response headers a cross-origin caller may read (players need the range ones, clients the limits). */
const EXPOSE_HEADERS =
  "Content-Length, Content-Range, Accept-Ranges, ETag, Content-Disposition, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, X-Request-Id";
const PREFLIGHT_MAX_AGE = "600";

/** The Access-Control-Allow-Origin value for this origin at this route, or undefined when refused. */
export function allowedOrigin(entry: RouteEntry, origin: string, configured: readonly string[]): string | undefined {
  if (entry.face.cors === "none") return undefined;
  if (configured.includes("*")) return "*";
  if (configured.includes(origin)) return origin;
  if (entry.route.access.access === "public" && entry.route.method === "GET") return "*";
  return undefined;
}

export function corsMiddleware(table: RouteTable): MiddlewareHandler<AppEnv> {
  return async function cors(c, next) {
    const origin = c.req.header("Origin");
    const configured = getConfig(c.env).CORS_ALLOWED_ORIGINS;

    if (c.req.method === "OPTIONS") {
      const allow = table.allowHeader(c.req.path);
      if (!allow) return next(); // nothing here: the face's 404
      const requested = c.req.header("Access-Control-Request-Method");
      const headers: Record<string, string> = { Allow: allow, Vary: "Origin, Access-Control-Request-Method" };
      const entry = origin && requested ? table.match(requested, c.req.path) : undefined;
      const value = entry && origin ? allowedOrigin(entry, origin, configured) : undefined;
      if (entry && value) {
        headers["Access-Control-Allow-Origin"] = value;
        headers["Access-Control-Allow-Methods"] = entry.route.method === "GET" ? "GET, HEAD" : entry.route.method;
        headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS;
        headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE;
      }
      // A refused preflight is still a 204 without Allow-Origin: the browser then blocks the request.
      return c.body(null, 204, headers);
    }

    await next();
    if (!origin || c.res.status === 101) return;
    const entry = table.match(c.req.method, c.req.path);
    const value = entry ? allowedOrigin(entry, origin, configured) : undefined;
    if (!value) return;
    c.header("Access-Control-Allow-Origin", value);
    c.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    if (value !== "*") c.header("Vary", "Origin", { append: true });
  };
}
