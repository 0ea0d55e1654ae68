/** The studio's script routes (filled in by this area's work). */
import type { FaceRoute } from "../../face";

export const scriptRoutes: readonly FaceRoute[] = [];
