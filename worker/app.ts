/**
 * Builds the one application from the face list: request ids, CORS, then every route of every face in
 * the route table's order (most specific first), each with its face's access check, body limit and
 * validation hook; unknown paths and crashes answered in the shape of the face they concern; the
 * generated documentation (/openapi.json, /docs, /redoc); the web app and the documentation's files from
 * static assets (worker/web/static-assets.ts).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { accessControl } from "./auth/access";
import { TOKEN_SCHEMES } from "./auth/policy";
import { getConfig } from "./env";
import { corsMiddleware } from "./faces/cors";
import type { Face } from "./faces/face";
import { FACES } from "./faces/index";
import { RouteTable } from "./faces/route-table";
import { respondError, validationHook, type AppEnv } from "./lib/app-context";
import { fastApiErrors, type ErrorFormat } from "./lib/error-format";
import { REDOC_PAGE, SWAGGER_PAGE } from "./web/docs-pages";
import { APP_PREFIX, DOCS_ASSETS_PREFIX, serveAppPath, serveAsset } from "./web/static-assets";

const DOCUMENT_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Media platform",
    version: "1.0.0",
    description:
      "One platform serving five media APIs at their documented paths. Each face keeps its documented error shape: " +
      "seed 000 `{detail, message}` (422 `{message: \"Validation Error\", detail: [...]}`), seed 001 `{status, message}`, " +
      "the FastAPI faces `{detail}` (422 `{detail: [{loc, msg, type}]}`), seed 003 `{success: false, error}`. The face of a " +
      "request is the face of the route it matched; where two templates could match, a literal segment wins over a " +
      "parameter. Templates ending in `/` are served with and without it. Unknown JSON fields are ignored, as the original " +
      "services did. A request body of another media type than the route declares answers 415; a body over MAX_BODY_BYTES " +
      "answers 413 (upload routes stream instead, under their own caps); a method a path does not serve answers 405 with " +
      "`Allow`; too many requests answer 429 with Retry-After and RateLimit-* headers; all in the face's error shape. Each " +
      "operation's `security` lists the credentials it accepts (`{}` = anonymous allowed). CORS: anonymous GET routes allow " +
      "any origin; other routes the origins in CORS_ALLOWED_ORIGINS.",
  },
} as const;

/** Marks the request as the face's from here on: errors raised anywhere later use its shape. */
const speaksFor =
  (format: ErrorFormat): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("errorFormat", format);
    await next();
  };

const bodyLimitFor =
  (format: ErrorFormat): MiddlewareHandler<AppEnv> =>
  (c, next) => {
    const limit = getConfig(c.env).MAX_BODY_BYTES;
    return bodyLimit({
      maxSize: limit,
      onError: (c2) => {
        const { status, body } = format.http(413, `Request body exceeds ${limit} bytes`);
        return c2.json(body, status);
      },
    })(c, next);
  };

/** DEBUG, without letting a misconfiguration crash the error handler itself. */
function debugSetting(env: Env): boolean {
  try {
    return getConfig(env).DEBUG;
  } catch {
    return false;
  }
}

export function createApp(faces: readonly Face[] = FACES) {
  const table = new RouteTable(faces);
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestId());
  app.use("*", corsMiddleware(table));

  for (const { face, route } of table.entries) {
    const middleware = [speaksFor(face.errors), accessControl(route.access, face.errors)];
    if (!route.streamingBody) middleware.push(bodyLimitFor(face.errors));
    route.register(app, middleware, validationHook(face.errors));
  }

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A JWT from POST /api/login, or an API key (`mpk_…`) as a bearer token.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyAuth", {
    type: "apiKey",
    in: "header",
    name: "X-API-Key",
    description: "An API key from POST /api/keys, `npm run admin -- create-key`, or an imported one (`import-key`, ARCHIVER_API_KEYS).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKeyQuery", {
    type: "apiKey",
    in: "query",
    name: "api_key",
    description: "The same API key as a query parameter, for WebSocket handshakes (browsers cannot send headers there). Never logged.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "wsSubprotocol", {
    type: "apiKey",
    in: "header",
    name: "Sec-WebSocket-Protocol",
    description:
      "For WebSocket handshakes from browsers: offer the subprotocols `media-platform` and `bearer.<JWT or mpk_ key>`; the 101 selects `media-platform`. Keeps the credential out of the URL.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", TOKEN_SCHEMES.STUDIO_API_TOKEN, {
    type: "http",
    scheme: "bearer",
    description: "Seed 003's shared API token (the STUDIO_API_TOKEN setting), required on studio routes only when it is set.",
  });
  app.get("/openapi.json", (c) => c.json(app.getOpenAPI31Document(DOCUMENT_INFO)));
  app.get("/docs", (c) => c.html(SWAGGER_PAGE));
  app.get("/redoc", (c) => c.html(REDOC_PAGE));

  // Registered after every face's routes, under prefixes no face answers; a miss falls to the 404 below.
  const notFound = (c: Context<AppEnv>) => {
    const format = table.faceFor(c.req.path)?.errors ?? fastApiErrors;
    const allow = table.allowHeader(c.req.path);
    if (allow) {
      const { status, body } = format.http(405, "Method Not Allowed");
      return c.json(body, status, { Allow: allow });
    }
    const { status, body } = format.http(404, "Not Found");
    return c.json(body, status);
  };
  app.get(APP_PREFIX.slice(0, -1), (c) => c.redirect(APP_PREFIX, 308));
  app.get(`${APP_PREFIX}*`, async (c) => (await serveAppPath(c.env, c.req.raw)) ?? notFound(c));
  app.get(`${DOCS_ASSETS_PREFIX}*`, async (c) => (await serveAsset(c.env, c.req.raw)) ?? notFound(c));
  app.notFound(notFound);
  app.onError((err, c) => respondError(c, c.get("errorFormat") ?? table.faceFor(c.req.path)?.errors ?? fastApiErrors, err, debugSetting(c.env)));
  return app;
}
