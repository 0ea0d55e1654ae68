import { studioErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import { studioAccess, studioPublicAccess } from "./access";
import { analyticsRoutes } from "./analytics";
import { compressRoutes } from "./compress";
import * as h from "./handlers";
import { queueRoutes } from "./queue";
import * as routes from "./routes";
import { scriptRoutes } from "./script";
import { webhooksRoutes } from "./webhooks";

/**
 * Seed 003 (TikTok auto-edit studio): `/health`, `/api/v1/{download,generate-script,edit,process,compress}`,
 * `/api/v1/analytics/*`, `/api/v1/video/{filename}`, `/api/v1/queue/*`, `/webhook/*`. Its paths share
 * `/api/v1` with seeds 002 and 004; each route's error shape is its own face's (`/api/v1/video/list` is 002's).
 */
export const studioFace = defineFace({
  name: "studio",
  errors: studioErrors,
  paths: [
    "/health",
    "/api/v1/download",
    "/api/v1/generate-script",
    "/api/v1/edit",
    "/api/v1/process",
    "/api/v1/compress",
    "/api/v1/analytics/",
    "/api/v1/schemas/",
    "/api/v1/queue/",
    "/webhook/",
  ],
  cors: "default",
  routes: [
    faceRoute(routes.health, h.health, studioPublicAccess),
    faceRoute(routes.download, h.download, studioAccess),
    faceRoute(routes.video, h.video, studioAccess),
    ...scriptRoutes,
    ...compressRoutes,
    ...analyticsRoutes,
    ...webhooksRoutes,
    ...queueRoutes,
  ],
});
