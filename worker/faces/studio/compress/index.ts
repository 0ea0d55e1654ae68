/** The studio's compress routes (filled in by this area's work). */
import type { FaceRoute } from "../../face";

export const compressRoutes: readonly FaceRoute[] = [];
