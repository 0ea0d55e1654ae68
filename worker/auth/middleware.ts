/**
 * Authentication middleware. Reads `Authorization: Bearer <jwt>`, verifies it and the account behind it,
 * and puts an `AuthContext` on the request. Failures are answered in the face's documented error shape.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../lib/create-app";
import type { ErrorFormat } from "../lib/error-format";
import { verifyAccessToken } from "./jwt";
import { getUserById } from "./users";
import type { AuthContext } from "./context";

export type AuthCheck = { ok: true; auth: AuthContext | undefined } | { ok: false; message: string };

/** The bearer credential of a request, or undefined when none was sent. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? "";
}

export async function checkBearer(env: Env, header: string | undefined): Promise<AuthCheck> {
  const token = bearerToken(header);
  if (token === undefined) return { ok: true, auth: undefined };
  if (!token) return { ok: false, message: "Invalid authorization header" };
  const verified = await verifyAccessToken(env, token);
  if (!verified.ok) return { ok: false, message: verified.reason === "expired" ? "Token has expired" : "Invalid token" };
  // A token outlives nothing: a disabled or deleted account stops working at once.
  const user = await getUserById(env, verified.claims.userId);
  if (!user || user.status !== "active") return { ok: false, message: "Invalid token" };
  return { ok: true, auth: { userId: user.id, username: user.username, role: user.role, via: "jwt" } };
}

/**
 * @param format  the face's error shape for 401 / 403
 * @param mode    `required`: no credential → 401; `optional`: no credential passes anonymously, a bad one is 401
 * @param role    restrict to admins
 */
export function authenticate(format: ErrorFormat, mode: "required" | "optional", role?: "admin"): MiddlewareHandler<AppEnv> {
  return async function authenticateRequest(c, next) {
    const check = await checkBearer(c.env, c.req.header("Authorization"));
    if (!check.ok) {
      const { status, body } = format.http(401, check.message);
      return c.json(body, status, { "WWW-Authenticate": 'Bearer realm="media-platform"' });
    }
    if (!check.auth && mode === "required") {
      const { status, body } = format.http(401, "Authentication required");
      return c.json(body, status, { "WWW-Authenticate": 'Bearer realm="media-platform"' });
    }
    if (role && check.auth?.role !== role) {
      const { status, body } = format.http(403, "Admin privileges required");
      return c.json(body, status);
    }
    c.set("auth", check.auth);
    await next();
  };
}
