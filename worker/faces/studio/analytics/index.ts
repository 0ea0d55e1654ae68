/** The studio's analytics routes (filled in by this area's work). */
import type { FaceRoute } from "../../face";

export const analyticsRoutes: readonly FaceRoute[] = [];
