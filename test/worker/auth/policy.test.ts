import { describe, expect, it } from "vitest";
import { openApiSecurity } from "../../../worker/auth/policy";
import { FACES } from "../../../worker/faces/index";
import { RouteTable } from "../../../worker/faces/route-table";
import { call } from "../support/http";

interface Spec {
  paths: Record<string, Record<string, { security?: unknown }>>;
}

const table = new RouteTable(FACES);

describe("the access policy of every route", () => {
  it("should document exactly the routes the faces register", async () => {
    const spec = (await (await call("/openapi.json")).json()) as Spec;
    const documented = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const registered = table.entries.map(({ route }) => `${route.method} ${route.path}`);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it("should publish each operation's accepted credentials as its OpenAPI security", async () => {
    const spec = (await (await call("/openapi.json")).json()) as Spec;
    for (const { route } of table.entries) {
      const op = spec.paths[route.path]?.[route.method.toLowerCase()];
      expect(op?.security, `${route.method} ${route.path}`).toEqual(openApiSecurity(route.access));
    }
  });

  it("should leave documentation public and match only the paths routes serve", async () => {
    for (const path of ["/openapi.json", "/docs", "/redoc"]) expect((await call(path)).status).toBe(200);
    expect(table.match("GET", "/api/keys/../admin/tasks")).toBeUndefined();
    expect(table.match("POST", "/stream/x")).toBeUndefined();
    expect(table.match("HEAD", "/stream/x.mp4")?.route.path).toBe("/stream/{filename}");
    expect(table.match("GET", "/stream/")).toBeUndefined();
    expect(table.match("GET", "/stream/x.mp4/")).toBeUndefined();
  });

  it("should enforce each route's access in its face's shape", async () => {
    const admin = await call("/api/admin/tasks");
    expect(admin.status).toBe(401);
    expect(await admin.json()).toEqual({ status: "error", message: "Authentication required" });
    const wrongMethod = await call("/stream/x.mp4", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ detail: "Method Not Allowed", message: "Method Not Allowed" });
  });
});
