/**
 * fast-check arbitraries from the JSON Schemas of the OpenAPI document (the same schemas zod produced for
 * the routes), plus hostile variants: missing required fields, wrong types, extra fields, nulls, huge and
 * path-like strings.
 */
import fc from "fast-check";

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  $ref?: string;
}

export const hostileString = fc.constantFrom(
  "",
  " ",
  "..",
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f",
  "..\\..\\windows\\win.ini",
  "a\u0000b",
  "file:///etc/passwd",
  "http://169.254.169.254/latest/meta-data/",
  "http://127.0.0.1:8787/api/admin/tasks",
  "http://[::ffff:127.0.0.1]/",
  "https://user:pass@www.tiktok.com/@a/video/1",
  "javascript:alert(1)",
  "<script>alert(1)</script>",
  "' OR '1'='1",
  "\"; DROP TABLE users; --",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "\u202e\u0000\uffff",
  "🎬".repeat(50),
  "x".repeat(5000),
);

export function resolveRef(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop()!;
    return resolveRef(components[name] ?? {}, components);
  }
  return schema;
}

/** Values that satisfy the schema (best effort: patterns and formats get plausible or hostile strings). */
export function validArbitrary(schema: JsonSchema, components: Record<string, JsonSchema>, depth = 0): fc.Arbitrary<unknown> {
  const s = resolveRef(schema, components);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return fc.oneof(...variants.map((v) => validArbitrary(v, components, depth + 1)));
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      return fc.oneof(
        fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) }),
        hostileString.filter((v) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity)),
      );
    case "integer":
      return fc.integer({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 });
    case "number":
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "array":
      return depth > 3 ? fc.constant([]) : fc.array(validArbitrary(s.items ?? {}, components, depth + 1), { maxLength: 4 });
    case "object": {
      if (depth > 3 || !s.properties) return fc.constant({});
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(s.properties)) record[k] = validArbitrary(v, components, depth + 1);
      return fc.record(record, { requiredKeys: s.required ?? [] });
    }
    default:
      return fc.jsonValue();
  }
}

/** Bodies a careless or hostile client sends. */
export function invalidBodyArbitrary(schema: JsonSchema, components: Record<string, JsonSchema>): fc.Arbitrary<unknown> {
  const s = resolveRef(schema, components);
  const required = s.required ?? [];
  const valid = validArbitrary(s, components) as fc.Arbitrary<Record<string, unknown>>;
  const mutations: fc.Arbitrary<unknown>[] = [
    fc.jsonValue(),
    fc.constant(null),
    fc.array(fc.jsonValue(), { maxLength: 3 }),
    valid.chain((v) => fc.record({ extra: fc.jsonValue() }).map((extra) => ({ ...(typeof v === "object" && v ? v : {}), ...extra, __proto__: { admin: true } }))),
  ];
  if (required.length > 0) {
    mutations.push(valid.chain((v) => fc.constantFrom(...required).map((drop) => {
      const copy = { ...(typeof v === "object" && v ? v : {}) } as Record<string, unknown>;
      delete copy[drop];
      return copy;
    })));
    mutations.push(
      fc.constantFrom(...required).chain((field) =>
        fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object()).map((bad) => ({ [field]: bad })),
      ),
    );
  }
  return fc.oneof(...mutations);
}
