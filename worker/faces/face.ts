/**
 * A face is one API surface of the platform (a seed's API, or one of the platform's own): its name, its
 * documented error format, and its routes, each route carrying its handler and its access policy. The app,
 * the access middleware, the OpenAPI `security`, CORS, the fuzz test and the policy test all read the face
 * list (`worker/faces/index.ts`); adding a face is writing its folder and one line there.
 */
import type { OpenAPIHono, RouteConfig, RouteHook } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { openApiSecurity, type RouteAccess } from "../auth/policy";
import type { AppEnv, AppRouteHandler } from "../lib/app-context";
import type { ErrorFormat } from "../lib/error-format";
import { streamsBody } from "../media/upload-route";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What the app needs of a route to wire it; the handler's types stay captured inside `register`. */
export interface FaceRoute {
  /** The route's OpenAPI definition as written (documented responses included). */
  readonly config: RouteConfig;
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. `/stream/{filename}`; a trailing `/` means "with or without it". */
  readonly path: string;
  readonly access: RouteAccess;
  /** The handler reads the request body as a stream (uploads, under their own caps): no whole-body size limit. */
  readonly streamingBody: boolean;
  /**
   * Registers the route (and, for a template ending in `/`, its slash-less twin, hidden from the document)
   * with the given route middleware and validation hook.
   */
  register(app: OpenAPIHono<AppEnv>, middleware: MiddlewareHandler<AppEnv>[], hook: RouteHook<RouteConfig, AppEnv>): void;
}

/**
 * A route of a face: its OpenAPI definition, its handler, and who may call it under which rate limit. A
 * route whose config carries `streamingBody` (worker/media/upload-route.ts) reads its body as a stream.
 */
export function faceRoute<R extends RouteConfig>(config: R, handler: AppRouteHandler<R>, access: RouteAccess): FaceRoute {
  return {
    config,
    method: config.method.toUpperCase() as HttpMethod,
    path: config.path,
    access,
    streamingBody: streamsBody(config),
    register(app, middleware, hook) {
      const documented = { ...config, security: openApiSecurity(access), middleware };
      app.openapi(documented, handler as never, hook as never);
      if (config.path.length > 1 && config.path.endsWith("/")) {
        app.openapi({ ...documented, path: config.path.slice(0, -1), hide: true }, handler as never, hook as never);
      }
    },
  };
}

export interface Face {
  /** Stable name: logs, the fuzz report, `tasks.face` of the tasks it submits. */
  readonly name: string;
  readonly errors: ErrorFormat;
  /**
   * Path prefixes this face answers for when no route matched (`/api/` for seed 001), so an unknown path
   * gets the error shape its clients expect. Matched routes never consult this: their face is their own.
   */
  readonly paths: readonly string[];
  /** `none` for surfaces no browser should call from another origin (the transcoder's signed URLs). */
  readonly cors: "default" | "none";
  readonly routes: readonly FaceRoute[];
}

export const defineFace = (face: Face): Face => face;
