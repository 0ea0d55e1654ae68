/**
 * The app's context types, and the two places a face's error format meets a request: the validation hook
 * installed on each of its routes, and the error responder used by the app's `onError`.
 */
import type { RouteConfig, RouteHandler, RouteHook } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "./errors";
import type { ErrorFormat } from "./error-format";
import { malformedJsonIssue, toValidationIssues, type ValidationTarget } from "./validation-issues";

/**
 * Who is calling, once a credential has been verified (worker/auth/). Declared here, with the context it
 * is kept in, so that lib/ needs nothing from auth/.
 */
export interface AuthContext {
  userId: number;
  username: string;
  role: "user" | "admin";
  via: "jwt" | "api_key";
}

export interface AppVariables {
  requestId: string;
  auth: AuthContext | undefined;
  /** The error format of the face whose route matched; set before anything else runs for that route. */
  errorFormat: ErrorFormat | undefined;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** `debug` is the DEBUG setting: whether a crash's message may reach the client (formats that document it). */
export function respondError(c: Context<AppEnv>, format: ErrorFormat, err: unknown, debug = false): Response {
  if (err instanceof AppError) {
    const { status, body } = format.http(err.status, err.message);
    return c.json(body, status);
  }
  if (err instanceof HTTPException) {
    // Hono's JSON validator throws this for bodies that are not JSON; report it as a validation failure.
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      const { status, body } = format.validation([malformedJsonIssue()]);
      return c.json(body, status);
    }
    if (err.res) return err.res;
    const { status, body } = format.http(err.status as 400, err.message || "Request failed");
    return c.json(body, status);
  }
  const requestId = c.get("requestId") ?? "unknown";
  console.error(JSON.stringify({ level: "error", requestId, face: format.name, error: String(err), stack: (err as Error)?.stack }));
  const { status, body } = format.internal(requestId, { error: String(err), debug });
  return c.json(body, status);
}

/** The validation hook of a face's routes: zod failures become the face's validation error. */
export function validationHook(format: ErrorFormat): RouteHook<RouteConfig, AppEnv> {
  return (result, c) => {
    if (!result.success) {
      const issues = toValidationIssues(result.error, result.target as ValidationTarget, (result as { data?: unknown }).data);
      const { status, body } = format.validation(issues);
      return c.json(body, status);
    }
  };
}
