/**
 * Seed 003's access: public as the document ships, until STUDIO_API_TOKEN (its `API_TOKEN`) is set; then a
 * bearer token — that one, a platform JWT or an API key — on every API route. Limits are the document's
 * flask-limiter ones: 100 per hour per client, and 10 per minute on /api/v1/process.
 */
import { publicRoute, tokenRoute, type RouteAccess } from "../../auth/policy";

export const studioAccess: RouteAccess = tokenRoute("studio", "STUDIO_API_TOKEN");
export const studioProcessAccess: RouteAccess = tokenRoute("studioProcess", "STUDIO_API_TOKEN");
/** Health checks and published schemas need no token. */
export const studioPublicAccess: RouteAccess = publicRoute("studio");
/** Provider webhooks authenticate by their own signatures, and one provider address carries every chat. */
export const studioWebhookAccess: RouteAccess = publicRoute("studioWebhook");
