import { publicRoute } from "../../auth/policy";
import { converterErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";

/**
 * Progress channels of synchronous media requests. The channel id is the capability (a client-chosen UUID),
 * so no credential is read; the streaming limit keeps handshakes from one address in check. Under `/api/`
 * its errors take the converter's `{status, message}` shape, as everything else there does.
 */
export const progressFace = defineFace({
  name: "progress",
  errors: converterErrors,
  paths: ["/api/progress/"],
  cors: "default",
  routes: [faceRoute(routes.progressSocket, h.progressSocket, publicRoute("streaming", []))],
});
