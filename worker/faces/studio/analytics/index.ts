/** The studio's analytics routes. */
import { faceRoute, type FaceRoute } from "../../face";
import { studioAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const analyticsRoutes: readonly FaceRoute[] = [faceRoute(routes.stats, h.stats, studioAccess), faceRoute(routes.top, h.top, studioAccess)];
