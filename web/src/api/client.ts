/**
 * The platform's API, typed from its own OpenAPI document (schema.d.ts is generated from createApp()'s
 * routes by scripts/web-schema.mjs at build), same origin, with the in-memory access token as a Bearer.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { session } from "./session";

const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(bearer);

/** The human-readable part of any face's error body (`{message}`, `{detail}` or `{error}`), if it has one. */
export function errorText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  for (const key of ["message", "detail", "error"] as const) {
    const value = (body as Record<string, unknown>)[key];
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}
