/** The studio's priority queue routes (jobs run on the platform task engine; see jobs.ts). */
import { faceRoute, type FaceRoute } from "../../face";
import { studioAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const queueRoutes: readonly FaceRoute[] = [
  faceRoute(routes.addJob, h.addJob, studioAccess),
  faceRoute(routes.listJobs, h.listJobs, studioAccess),
  faceRoute(routes.getJob, h.getJob, studioAccess),
  faceRoute(routes.stats, h.stats, studioAccess),
];
