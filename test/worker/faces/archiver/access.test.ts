/**
 * Seed 004's access: X-API-Key on every route (401 `{detail}` without or with a wrong one), imported keys
 * from the document's `.env` (import-key, ARCHIVER_API_KEYS) valid without being stored in clear, the
 * document's rate limit per key (10/min, burst 20; 429 `{detail}` with Retry-After), and its 500 shape.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../../worker/app";
import { authenticateApiKey, importApiKey, parseConfiguredKeys } from "../../../../worker/auth/api-keys";
import { userRoute } from "../../../../worker/auth/policy";
import { defineFace, faceRoute } from "../../../../worker/faces/face";
import { FACES } from "../../../../worker/faces/index";
import { archiverErrors } from "../../../../worker/lib/error-format";
import { json } from "../../../../worker/lib/openapi";
import { call } from "../../support/http";
import { createUser } from "../../support/users";
import { archiverKey } from "./support";

describe("seed 004 access", () => {
  it("should answer 401 {detail} without a key or with a wrong one, on every route of the face", async () => {
    const face = FACES.find((f) => f.name === "archiver")!;
    expect(face.routes.length).toBeGreaterThan(5);
    for (const route of face.routes) {
      const path = route.path.replace(/\{[^}]+\}/g, "x");
      for (const headers of [{}, { "X-API-Key": "not-a-key-of-ours-123" }] as Record<string, string>[]) {
        const res = await call(path, { method: route.method, headers });
        expect(res.status, `${route.method} ${path}`).toBe(401);
        expect(await res.json()).toEqual({ detail: expect.any(String) });
      }
    }
  });

  it("should accept a platform key and a platform JWT", async () => {
    expect((await call("/api/v1/jobs", { headers: await archiverKey(env) })).status).toBe(200);
    const { auth } = await createUser(env);
    expect((await call("/api/v1/jobs", { headers: auth })).status).toBe(200);
  });

  it("should accept a key imported from the document's .env, storing only its hash", async () => {
    const legacy = `legacy-${crypto.randomUUID()}`;
    await importApiKey(env, "legacy-ops", legacy, "import-key");
    await importApiKey(env, "legacy-ops", legacy, "import-key");
    expect((await call("/api/v1/jobs", { headers: { "X-API-Key": legacy } })).status).toBe(200);
    const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE name = 'import-key'").all();
    expect(stored.results).toHaveLength(1);
    expect(JSON.stringify(stored.results)).not.toContain(legacy.slice(4));
    // An imported key is an X-API-Key only: as a bearer token it is not a key of the platform's format.
    expect((await call("/api/v1/jobs", { headers: { Authorization: `Bearer ${legacy}` } })).status).toBe(401);
  });

  it("should make ARCHIVER_API_KEYS entries valid on first use, with or without an owner", async () => {
    expect(parseConfiguredKeys("ops:abc12345, plainkey9876 ,,")).toEqual([
      { owner: "ops", key: "abc12345" },
      { owner: "archiver", key: "plainkey9876" },
    ]);
    const owned = `owned-${crypto.randomUUID()}`;
    const plain = `plain-${crypto.randomUUID()}`;
    const configured = { ...env, ARCHIVER_API_KEYS: `team-a:${owned},${plain}` };
    expect(await authenticateApiKey(configured, owned)).toMatchObject({ username: "team-a", via: "api_key" });
    expect(await authenticateApiKey(configured, plain)).toMatchObject({ username: "archiver" });
    expect(await authenticateApiKey(configured, `other-${crypto.randomUUID()}`)).toBeUndefined();
    // The account that owns imported keys cannot log in.
    const login = await call("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: "team-a", password: "!imported-keys-only" }) });
    expect(login.status).not.toBe(200);
  });

  it("should allow a burst of 20 per key, then answer 429 {detail} with Retry-After (the document's figures)", async () => {
    // The project lifts this limit for other tests; the app here runs with the document's defaults.
    const app = createApp(FACES);
    const documented = { ...env, RATE_LIMIT_REQUESTS_PER_MINUTE: "10", RATE_LIMIT_BURST: "20" };
    const key = await archiverKey(env);
    const get = (headers: Record<string, string>) =>
      app.fetch(new Request("http://platform.test/api/v1/videos?limit=1", { headers: { ...headers, "CF-Connecting-IP": "203.0.113.44" } }), documented, createExecutionContext());
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await get(key)).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const limited = await get(key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ detail: expect.stringMatching(/too many/i) });
    // Another key is another bucket.
    expect((await get(await archiverKey(env))).status).toBe(200);
  });

  it("should answer a crash as {detail, error} with the error only when DEBUG is true", async () => {
    const crash = createRoute({ method: "get", path: "/api/v1/jobs-crash-test", responses: { 200: json(z.object({}), "never") } });
    const face = defineFace({
      name: "archiver-crash",
      errors: archiverErrors,
      paths: [],
      cors: "default",
      routes: [faceRoute(crash, () => { throw new Error("disk on fire"); }, userRoute("archiver"))],
    });
    const app = createApp([face]);
    const headers = await archiverKey(env);
    const get = (debug: string) =>
      app.fetch(new Request("http://platform.test/api/v1/jobs-crash-test", { headers: { ...headers, "CF-Connecting-IP": crypto.randomUUID() } }), { ...env, DEBUG: debug }, createExecutionContext());
    const quiet = await get("false");
    expect(quiet.status).toBe(500);
    expect(await quiet.json()).toEqual({ detail: "Internal server error" });
    const loud = await get("true");
    expect(await loud.json()).toEqual({ detail: "Internal server error", error: "Error: disk on fire" });
  });
});
