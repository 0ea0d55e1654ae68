import { publicRoute } from "../../auth/policy";
import { saverErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as handlers from "./handlers";
import * as routes from "./routes";

/** Seed 000 at the root: /download, /stream/{filename}. Documented without authentication. */
export const saverFace = defineFace({
  name: "saver",
  errors: saverErrors,
  paths: ["/download", "/stream/"],
  cors: "default",
  routes: [
    faceRoute(routes.download, handlers.download, publicRoute("saver")),
    faceRoute(routes.stream, handlers.stream, publicRoute("streaming")),
  ],
});
