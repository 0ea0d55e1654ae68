/** The studio's compress route. */
import { faceRoute, type FaceRoute } from "../../face";
import { studioAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const compressRoutes: readonly FaceRoute[] = [faceRoute(routes.compress, h.compress, studioAccess)];
