/**
 * Property-based fuzzing of every route in /openapi.json: valid and invalid bodies, queries and path
 * parameters, anonymous and authenticated. Properties: no 5xx, and every error body has its face's
 * documented shape. Routes are enumerated from the spec, so faces added later are fuzzed without edits here.
 */
import { env } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACES } from "../../../worker/faces/index";
import { RouteTable } from "../../../worker/faces/route-table";
import { errorSchemaFor, fastApiErrors } from "../../../worker/lib/error-format";
import { call } from "../support/http";
import { createUser } from "../support/users";
import { hostileString, invalidBodyArbitrary, validArbitrary, type JsonSchema } from "./json-schema-arbitrary";

interface Operation {
  parameters?: { name: string; in: "path" | "query" | "header"; schema: JsonSchema; required?: boolean }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const RUNS_PER_ROUTE = 40;
let spec: Spec;
let userToken = "";
let adminToken = "";
let cases = 0;
let serverErrors = 0;

const table = new RouteTable(FACES);

/**
 * The documented error shape for this request: the error format of the face whose route matched (or, for
 * a path no route serves, the face whose paths claim it), checked with that format's own schemas; or the
 * body the matched route itself documents for that status (seed 001's YouTube delete answers 404
 * `{status: "not found"}`).
 */
function assertErrorShape(method: string, path: string, status: number, body: unknown) {
  const matched = table.match(method, path);
  const format = (matched?.face ?? table.faceFor(path))?.errors ?? fastApiErrors;
  const documented = (matched?.route.config.responses[status] as { content?: Record<string, { schema?: unknown }> } | undefined)?.content?.[
    "application/json"
  ]?.schema;
  const ok =
    errorSchemaFor(format, status).safeParse(body).success || (documented instanceof z.ZodType && documented.safeParse(body).success);
  expect(ok, `${method} ${path} → ${status} ${JSON.stringify(body)} is neither a ${format.name} error nor the route's documented body`).toBe(true);
}

const pathParam = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,30}$/), hostileString.filter((s) => s.length > 0 && s.length < 300));

describe("OpenAPI-driven fuzzing", () => {
  beforeAll(async () => {
    spec = (await (await call("/openapi.json")).json()) as Spec;
    userToken = (await createUser(env)).token;
    adminToken = (await createUser(env, { role: "admin" })).token;
  });

  afterAll(() => {
    console.log(`fuzz: ${cases} cases run, ${serverErrors} 5xx seen`);
  });

  it("should answer every generated request without a 5xx and with the face's error shape", async () => {
    const components = spec.components?.schemas ?? {};
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const params = op.parameters ?? [];
        const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
        const request = fc.record({
          path: fc.record(Object.fromEntries(params.filter((p) => p.in === "path").map((p) => [p.name, pathParam]))),
          query: fc.record(
            Object.fromEntries(params.filter((p) => p.in === "query").map((p) => [p.name, fc.oneof(validArbitrary(p.schema, components), hostileString)])),
            { requiredKeys: [] },
          ),
          body: bodySchema
            ? fc.oneof(
                validArbitrary(bodySchema, components).map((v) => JSON.stringify(v)),
                invalidBodyArbitrary(bodySchema, components).map((v) => JSON.stringify(v) ?? "null"),
                fc.constantFrom("{", "not json", "", "[]", "\u0000", "{\"a\":" + "[".repeat(500)),
              )
            : fc.constant(undefined),
          credential: fc.constantFrom("none", "user", "admin", "garbage"),
          contentType: fc.constantFrom("application/json", "application/json", "text/plain", undefined),
        });
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(r.path[name] ?? "x")));
            const qs = new URLSearchParams(Object.entries(r.query).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString();
            const headers: Record<string, string> = {};
            if (r.contentType && r.body !== undefined) headers["Content-Type"] = r.contentType;
            if (r.credential === "user") headers.Authorization = `Bearer ${userToken}`;
            if (r.credential === "admin") headers.Authorization = `Bearer ${adminToken}`;
            if (r.credential === "garbage") headers.Authorization = "Bearer x.y.z";
            const res = await call(`${path}${qs ? `?${qs}` : ""}`, { method: method.toUpperCase(), headers, body: r.body });
            cases++;
            if (res.status >= 500) serverErrors++;
            expect(res.status, `${method.toUpperCase()} ${path} → ${res.status}`).toBeLessThan(500);
            const type = res.headers.get("Content-Type") ?? "";
            if (res.status >= 400 && type.includes("json")) assertErrorShape(method, path, res.status, await res.json());
            else await res.arrayBuffer();
          }),
          { numRuns: RUNS_PER_ROUTE, seed: 20261123 },
        );
      }
    }
    expect(serverErrors).toBe(0);
  }, 600_000);
});
