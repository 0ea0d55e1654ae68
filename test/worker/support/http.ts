import { exports } from "cloudflare:workers";

export const BASE = "http://platform.test";

/**
 * Each call comes from its own client address unless the test names one, so rate-limit buckets (keyed by
 * IP for anonymous callers) only fill up in the tests that are about rate limits.
 */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", `test-${crypto.randomUUID()}`);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers });
}

export function postJson(path: string, body: unknown, headers: Record<string, string> = {}, method = "POST"): Promise<Response> {
  return call(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
