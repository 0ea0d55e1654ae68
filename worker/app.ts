/**
 * Builds the one application: request ids, body limits, the five faces (here: saver and converter),
 * platform routes, and the generated documentation (/openapi.json, /docs, /redoc).
 */
import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { accessControl } from "./auth/access";
import { openApiSecurity, policyForTemplate } from "./auth/policy";
import { getConfig } from "./env";
import { converterRouter } from "./families/converter";
import { adminRouter, blobRouter } from "./families/platform";
import { saverRouter } from "./families/saver";
import { respondError, type AppEnv } from "./lib/create-app";
import { errorFormatFor } from "./lib/faces";

/** Routes whose bodies are media: they stream into R2 under their own size caps. */
const STREAMING_UPLOADS = [/^\/internal\/blobs\//];

const REDOC_PAGE = `<!doctype html>
<html><head><title>Media platform API — ReDoc</title><meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js"></script></body></html>`;

const DOCUMENT_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Media platform",
    version: "1.0.0",
    description:
      "One platform serving five media APIs at their documented paths. Each family keeps its documented error shape: " +
      "seed 000 `{detail, message}` (422 `{message: \"Validation Error\", detail: [...]}`), seed 001 `{status, message}`, " +
      "the /api/v1 families FastAPI's `{detail}`. Unknown JSON fields are ignored, as the original services did. A request " +
      "body of another media type than the route declares answers 415; a body over MAX_BODY_BYTES answers 413; too many " +
      "requests answer 429 with Retry-After and RateLimit-* headers; all in the family's error shape. Each operation's " +
      "`security` lists the credentials it accepts (`{}` = anonymous allowed).",
  },
} as const;

/** The generated document, with each operation's `security` taken from the access policy table. */
function openApiDocument(app: OpenAPIHono<AppEnv>) {
  const doc = app.getOpenAPI31Document(DOCUMENT_INFO);
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item ?? {})) {
      if (!operation || typeof operation !== "object" || !("responses" in operation)) continue;
      const policy = policyForTemplate(method, path);
      if (policy) (operation as { security?: unknown }).security = openApiSecurity(policy);
    }
  }
  return doc;
}

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId());
  app.use("*", accessControl());
  app.use("*", async (c, next) => {
    if (STREAMING_UPLOADS.some((re) => re.test(c.req.path))) return next();
    const limit = getConfig(c.env).MAX_BODY_BYTES;
    return bodyLimit({
      maxSize: limit,
      onError: (c2) => {
        const { status, body } = errorFormatFor(c2.req.path).http(413, `Request body exceeds ${limit} bytes`);
        return c2.json(body, status);
      },
    })(c, next);
  });

  app.route("/", saverRouter);
  app.route("/", converterRouter);
  app.route("/", adminRouter);
  app.route("/", blobRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A JWT from POST /api/login, or an API key (`mpk_…`) as a bearer token.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "An API key from POST /api/keys or `npm run admin -- create-key`.",
  });
  app.get("/openapi.json", (c) => c.json(openApiDocument(app)));
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: "Media platform API" }));
  app.get("/redoc", (c) => c.html(REDOC_PAGE));

  app.notFound((c) => {
    const { status, body } = errorFormatFor(c.req.path).http(404, "Not Found");
    return c.json(body, status);
  });
  app.onError((err, c) => respondError(c, errorFormatFor(c.req.path), err));
  return app;
}
