/**
 * A new face is its folder plus one line in the face list. These test-only faces are added to the real
 * list, and everything a face gets from the registry is checked on them: routing across faces (a literal
 * segment beats a parameter whichever face registers first), trailing-slash twins, per-route access and
 * OpenAPI security, error shapes from the matched route (not the path prefix), 405, CORS.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../worker/app";
import { openApiSecurity, publicRoute, userRoute } from "../../../worker/auth/policy";
import { defineFace, faceRoute } from "../../../worker/faces/face";
import { FACES } from "../../../worker/faces/index";
import { RouteTable } from "../../../worker/faces/route-table";
import { fastApiErrors, studioErrors } from "../../../worker/lib/error-format";
import { json } from "../../../worker/lib/openapi";

// Stand-ins live under /api/v1/test-video/: the real /api/v1/video/* routes are seed 002's (worker/faces/social).
const clipRoute = createRoute({
  method: "get",
  path: "/api/v1/test-video/{filename}",
  request: { params: z.object({ filename: z.string().max(50) }), query: z.object({ width: z.coerce.number().int().max(100).optional() }) },
  responses: { 200: json(z.object({ face: z.string(), filename: z.string() }), "A clip") },
});
const listRoute = createRoute({
  method: "get",
  path: "/api/v1/test-video/list",
  request: { query: z.object({ limit: z.coerce.number().int().max(100).optional() }) },
  responses: { 200: json(z.object({ face: z.string() }), "The list") },
});
const removeRoute = createRoute({
  method: "delete",
  path: "/api/v1/test-video/remove/{id}/",
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json(z.object({ removed: z.string() }), "Removed") },
});

const socketRoute = createRoute({
  method: "get",
  path: "/test-clips/live/{job}",
  request: { params: z.object({ job: z.string() }) },
  responses: { 101: { description: "WebSocket upgrade handed over by the JobProgress Durable Object" } },
});

/** Registered first, with the parameter route: routing must still give `list` to the other face. */
const clipFace = defineFace({
  name: "test-clips",
  errors: studioErrors,
  paths: ["/test-clips/"],
  cors: "default",
  routes: [
    faceRoute(clipRoute, (c) => c.json({ face: "clips", filename: c.req.valid("param").filename }, 200), publicRoute("streaming")),
    faceRoute(
      socketRoute,
      (c) => c.env.JOB_PROGRESS.get(c.env.JOB_PROGRESS.idFromName(c.req.valid("param").job)).fetch(c.req.raw),
      publicRoute("streaming"),
    ),
  ],
});
const listFace = defineFace({
  name: "test-lists",
  errors: fastApiErrors,
  paths: ["/api/v1/"],
  cors: "default",
  routes: [
    faceRoute(listRoute, (c) => c.json({ face: "lists" }, 200), publicRoute("streaming")),
    faceRoute(removeRoute, (c) => c.json({ removed: c.req.valid("param").id }, 200), userRoute("converter")),
  ],
});

const withTestFaces = [...FACES, clipFace, listFace];

async function fetchFrom(faces: typeof withTestFaces, path: string, init: RequestInit = {}, envOverride: Partial<Record<string, string>> = {}) {
  const app = createApp(faces);
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", `registry-${crypto.randomUUID()}`);
  return app.fetch(new Request(`http://platform.test${path}`, { ...init, headers }), { ...env, ...envOverride }, createExecutionContext());
}

describe("the face registry", () => {
  it("should route a literal segment before a parameter, whatever order the faces are listed in", async () => {
    for (const faces of [withTestFaces, [...FACES, listFace, clipFace]]) {
      expect(await (await fetchFrom(faces, "/api/v1/test-video/list")).json()).toEqual({ face: "lists" });
      expect(await (await fetchFrom(faces, "/api/v1/test-video/clip.mp4")).json()).toEqual({ face: "clips", filename: "clip.mp4" });
      const table = new RouteTable(faces);
      expect(table.match("GET", "/api/v1/test-video/list")?.face.name).toBe("test-lists");
      expect(table.match("HEAD", "/api/v1/test-video/clip.mp4")?.face.name).toBe("test-clips");
    }
  });

  it("should take the error shape from the matched route, not from the path prefix", async () => {
    // Both paths are under /api/v1/, which the list face claims for unknown paths.
    const clipInvalid = await fetchFrom(withTestFaces, "/api/v1/test-video/clip.mp4?width=5000");
    expect(clipInvalid.status).toBe(400);
    expect(await clipInvalid.json()).toEqual({ success: false, error: expect.stringContaining("width") });
    const listInvalid = await fetchFrom(withTestFaces, "/api/v1/test-video/list?limit=5000");
    expect(listInvalid.status).toBe(422);
    expect(await listInvalid.json()).toEqual({ detail: [expect.objectContaining({ loc: ["query", "limit"] })] });
    const unknown = await fetchFrom(withTestFaces, "/api/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: "Not Found" });
    const unknownClip = await fetchFrom(withTestFaces, "/test-clips/nothing");
    expect(await unknownClip.json()).toEqual({ success: false, error: "Not Found" });
  });

  it("should serve a template ending in / with and without the slash, under the same access policy", async () => {
    const { token } = await import("../support/users").then((m) => m.createUser(env));
    for (const path of ["/api/v1/test-video/remove/7/", "/api/v1/test-video/remove/7"]) {
      const anonymous = await fetchFrom(withTestFaces, path, { method: "DELETE" });
      expect(anonymous.status, path).toBe(401);
      expect(await anonymous.json()).toEqual({ detail: "Authentication required" });
      const signedIn = await fetchFrom(withTestFaces, path, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
      expect(signedIn.status, path).toBe(200);
      expect(await signedIn.json()).toEqual({ removed: "7" });
    }
    const spec = (await (await fetchFrom(withTestFaces, "/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(spec.paths).toHaveProperty(["/api/v1/test-video/remove/{id}/"]);
    expect(spec.paths).not.toHaveProperty(["/api/v1/test-video/remove/{id}"]);
  });

  it("should publish each test route's security from its access policy", async () => {
    const spec = (await (await fetchFrom(withTestFaces, "/openapi.json")).json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(spec.paths["/api/v1/test-video/remove/{id}/"]?.delete?.security).toEqual(openApiSecurity(userRoute("converter")));
    expect(spec.paths["/api/v1/test-video/list"]?.get?.security).toEqual([{}, { bearerAuth: [] }, { apiKeyAuth: [] }]);
  });

  it("should answer a method the path does not serve with 405 and Allow, in the route's face shape", async () => {
    const res = await fetchFrom(withTestFaces, "/api/v1/test-video/clip.mp4", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
    expect(await res.json()).toEqual({ success: false, error: "Method Not Allowed" });
  });

  it("should allow any origin on anonymous reads and only configured origins elsewhere", async () => {
    const preflight = (path: string, method: string, origin: string, override = {}) =>
      fetchFrom(withTestFaces, path, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": method } }, override);
    const read = await preflight("/api/v1/test-video/clip.mp4", "GET", "https://player.example");
    expect(read.status).toBe(204);
    expect(read.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(read.headers.get("Access-Control-Allow-Headers")).toContain("Range");

    const write = await preflight("/api/v1/test-video/remove/7/", "DELETE", "https://app.example");
    expect(write.status).toBe(204);
    expect(write.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const configured = await preflight("/api/v1/test-video/remove/7", "DELETE", "https://app.example", { CORS_ALLOWED_ORIGINS: "https://app.example" });
    expect(configured.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example");
    expect(configured.headers.get("Access-Control-Allow-Methods")).toBe("DELETE");

    const actual = await fetchFrom(withTestFaces, "/api/v1/test-video/clip.mp4", { headers: { Origin: "https://player.example" } });
    expect(actual.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(actual.headers.get("Access-Control-Expose-Headers")).toContain("Content-Range");
    const blob = await preflight("/internal/blobs/t/n", "GET", "https://player.example");
    expect(blob.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("should hand a Durable Object's WebSocket upgrade through the access check untouched", async () => {
    // The 101 from a Durable Object has immutable headers: setting rate-limit headers on it would throw.
    const res = await fetchFrom(withTestFaces, `/test-clips/live/job-${crypto.randomUUID()}`, { headers: { Upgrade: "websocket" } });
    expect(res.status).toBe(101);
    const socket = res.webSocket;
    expect(socket).toBeTruthy();
    socket!.accept();
    socket!.close(1000, "done");
  });

  it("should refuse two routes that claim the same method and template", () => {
    expect(() => new RouteTable([...withTestFaces, clipFace])).toThrow(/two routes claim GET/);
  });
});
