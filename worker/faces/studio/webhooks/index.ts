/** The studio's provider webhooks: public routes, authenticated by each provider's own signature. */
import { faceRoute, type FaceRoute } from "../../face";
import { studioPublicAccess, studioWebhookAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const webhooksRoutes: readonly FaceRoute[] = [
  faceRoute(routes.tiktok, h.tiktok, studioWebhookAccess),
  faceRoute(routes.telegram, h.telegram, studioWebhookAccess),
  faceRoute(routes.whatsapp, h.whatsapp, studioWebhookAccess),
  faceRoute(routes.health, h.health, studioPublicAccess),
];
