import { describe, expect, it } from "vitest";
import { DOC_PATHS, ROUTE_POLICIES, openApiSecurity, policyFor } from "../../../worker/auth/policy";
import { call } from "../support/http";

interface Spec {
  paths: Record<string, Record<string, { security?: unknown }>>;
}

describe("the access policy table", () => {
  it("should classify every route of the OpenAPI document, and only routes that exist", async () => {
    const spec = (await (await call("/openapi.json")).json()) as Spec;
    const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const table = ROUTE_POLICIES.map((p) => `${p.method} ${p.path}`);
    expect(operations.length).toBeGreaterThan(20);
    expect([...operations].sort()).toEqual([...table].sort());
  });

  it("should publish each operation's accepted credentials as its OpenAPI security", async () => {
    const spec = (await (await call("/openapi.json")).json()) as Spec;
    for (const policy of ROUTE_POLICIES) {
      const op = spec.paths[policy.path]?.[policy.method.toLowerCase()];
      expect(op?.security, `${policy.method} ${policy.path}`).toEqual(openApiSecurity(policy));
    }
  });

  it("should leave documentation public and deny paths no route serves", async () => {
    for (const path of DOC_PATHS) expect((await call(path)).status).toBe(200);
    expect(policyFor("GET", "/api/keys/../admin/tasks")).toBeUndefined();
    expect(policyFor("POST", "/stream/x")).toBeUndefined();
    expect(policyFor("HEAD", "/stream/x.mp4")?.path).toBe("/stream/{filename}");
    expect(policyFor("GET", "/stream/")).toBeUndefined();
  });
});
