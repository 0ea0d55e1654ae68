/** The studio's provider webhooks: public routes, authenticated by each provider's own signature. */
import { faceRoute, type FaceRoute } from "../../face";
import { studioPublicAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const webhooksRoutes: readonly FaceRoute[] = [
  faceRoute(routes.tiktok, h.tiktok, studioPublicAccess),
  faceRoute(routes.telegram, h.telegram, studioPublicAccess),
  faceRoute(routes.whatsapp, h.whatsapp, studioPublicAccess),
  faceRoute(routes.health, h.health, studioPublicAccess),
];
