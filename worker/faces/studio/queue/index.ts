/** The studio's queue routes (filled in by this area's work). */
import type { FaceRoute } from "../../face";

export const queueRoutes: readonly FaceRoute[] = [];
