import { adminRoute } from "../../auth/policy";
import { converterErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";

/** Operations for admins (JWT of an admin account only), in the `{status, message}` shape of /api. */
export const adminFace = defineFace({
  name: "admin",
  errors: converterErrors,
  paths: ["/api/admin/"],
  cors: "default",
  routes: [
    faceRoute(routes.approveUser, h.approveUser, adminRoute("admin")),
    faceRoute(routes.listPendingUsers, h.listPendingUsers, adminRoute("admin")),
    faceRoute(routes.listTasks, h.listTasks, adminRoute("admin")),
    faceRoute(routes.retryTask, h.retryTask, adminRoute("admin")),
  ],
});
