import { ANY_CREDENTIAL, userRoute, type RouteAccess } from "../../auth/policy";
import { archiverErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";
import * as sh from "./schedules-handlers";
import * as schedules from "./schedules-routes";
import * as stath from "./stats-handlers";
import * as stats from "./stats-routes";

/**
 * Seed 004 under /api/v1 (and its WebSocket at /ws/jobs/{id}). Every route needs a credential — the
 * document's X-API-Key (platform keys and imported ones) or a platform JWT — and is charged to the
 * document's limit (RATE_LIMIT_REQUESTS_PER_MINUTE / RATE_LIMIT_BURST) per key. The WebSocket also takes
 * the credential as a `bearer.` subprotocol (what the web app uses: no secret in the URL) and, for existing
 * clients, the key as `?api_key=`.
 */
const keyed: RouteAccess = userRoute("archiver");
const socket: RouteAccess = userRoute("archiver", [...ANY_CREDENTIAL, "ws_subprotocol", "api_key_query"]);

export const archiverFace = defineFace({
  name: "archiver",
  errors: archiverErrors,
  paths: ["/api/v1/jobs", "/api/v1/videos", "/api/v1/scheduled-jobs", "/api/v1/stats", "/ws/"],
  cors: "default",
  routes: [
    faceRoute(routes.jobCreate, h.jobCreate, keyed),
    faceRoute(routes.jobList, h.jobList, keyed),
    faceRoute(routes.jobGet, h.jobGet, keyed),
    faceRoute(routes.jobCancel, h.jobCancel, keyed),
    faceRoute(routes.jobDelete, h.jobDelete, keyed),
    faceRoute(routes.jobArchive, h.jobArchive, keyed),
    faceRoute(routes.jobProgressSocket, h.jobProgressSocket, socket),
    faceRoute(routes.videoList, h.videoList, keyed),
    faceRoute(routes.videoGet, h.videoGet, keyed),
    faceRoute(routes.videoRetry, h.videoRetry, keyed),
    faceRoute(routes.videoDelete, h.videoDelete, keyed),
    faceRoute(schedules.scheduleCreate, sh.scheduleCreate, keyed),
    faceRoute(schedules.scheduleList, sh.scheduleList, keyed),
    faceRoute(schedules.scheduleGet, sh.scheduleGet, keyed),
    faceRoute(schedules.scheduleUpdate, sh.scheduleUpdate, keyed),
    faceRoute(schedules.scheduleToggle, sh.scheduleToggle, keyed),
    faceRoute(schedules.scheduleDelete, sh.scheduleDelete, keyed),
    faceRoute(stats.statsGet, stath.statsGet, keyed),
    faceRoute(stats.statsHealth, stath.statsHealth, keyed),
  ],
});
