/**
 * What an upload route declares about its body. @hono/zod-openapi installs a form validator (which reads
 * the whole body into memory) for every `multipart/form-data` content whose schema is a zod schema, and
 * none for a plain OpenAPI schema object; so the documented body here is a schema object written from
 * the same `MultipartSpec` that `readMultipart` enforces, and the handler gets the body untouched.
 */
import type { RouteConfig } from "@hono/zod-openapi";
import type { FileFieldSpec, MultipartSpec, TextFieldSpec } from "./uploads";

/**
 * Route config extension: the handler streams the request body (uploads), so the app's whole-body size
 * limit must not apply (each file has its own cap inside `readMultipart`). An `x-` key is a valid OpenAPI
 * extension, so it also shows in the operation of the generated document.
 */
export const STREAMING_BODY = "x-streaming-body";

/** Spread into a `createRoute({...})` config to mark the route as streaming its body. */
export const streamingBody = { [STREAMING_BODY]: true } as const;

/** Whether a route config was marked with `streamingBody`. */
export function streamsBody(route: object): boolean {
  return (route as Record<string, unknown>)[STREAMING_BODY] === true;
}

type RequestBody = NonNullable<NonNullable<RouteConfig["request"]>["body"]>;

const binary = { type: "string", format: "binary" } as const;

function fileSchema(spec: FileFieldSpec) {
  const description = [spec.description, `${spec.accept.join(", ")}; at most ${spec.maxBytes} bytes each`].filter(Boolean).join(". ");
  return spec.maxCount > 1 ? { type: "array" as const, items: binary, maxItems: spec.maxCount, description } : { ...binary, description };
}

function textSchema(spec: TextFieldSpec) {
  const one = { type: "string" as const, maxLength: spec.maxLength, ...(spec.description ? { description: spec.description } : {}) };
  return (spec.maxCount ?? 1) > 1 ? { type: "array" as const, items: one, maxItems: spec.maxCount } : one;
}

/**
 * `request.body` of a route whose `multipart/form-data` body `readMultipart(…, spec, …)` reads: documented
 * field by field (file fields as binary strings with their accepted media, text fields with their
 * lengths), validated by nothing before the handler.
 */
export function multipartBody(spec: MultipartSpec, description?: string): { body: RequestBody } {
  const files = Object.entries<FileFieldSpec>(spec.files);
  const text = Object.entries<TextFieldSpec>(spec.text);
  const required = [...files, ...text].filter(([, f]) => f.required).map(([name]) => name);
  const schema = {
    type: "object" as const,
    properties: Object.fromEntries([...files.map(([name, f]) => [name, fileSchema(f)]), ...text.map(([name, t]) => [name, textSchema(t)])]),
    ...(required.length > 0 ? { required } : {}),
  };
  const encoding = Object.fromEntries(files.map(([name, f]) => [name, { contentType: f.accept.map((kind) => `${kind}/*`).join(", ") }]));
  return {
    body: {
      required: true,
      ...(description ? { description } : {}),
      content: { "multipart/form-data": { schema, encoding } },
    },
  };
}
