/** The studio's webhooks routes (filled in by this area's work). */
import type { FaceRoute } from "../../face";

export const webhooksRoutes: readonly FaceRoute[] = [];
