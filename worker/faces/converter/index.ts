import { publicRoute, userRoute } from "../../auth/policy";
import { converterErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";

/**
 * Seed 001 under /api: "Authentication required" where the document says so; the rest public, with the
 * files a signed-in user converted reachable by that user only (checked by the service).
 */
export const converterFace = defineFace({
  name: "converter",
  errors: converterErrors,
  paths: ["/api/"],
  cors: "default",
  routes: [
    faceRoute(routes.ping, h.ping, publicRoute("converter")),
    faceRoute(routes.register, h.register, publicRoute("auth")),
    faceRoute(routes.login, h.login, publicRoute("auth")),
    faceRoute(routes.userInfo, h.userInfo, userRoute("converter")),
    faceRoute(routes.youtubeConvert, h.youtubeConvert, userRoute("converter")),
    faceRoute(routes.youtubeDownload, h.youtubeDownload, publicRoute("streaming")),
    faceRoute(routes.youtubeDelete, h.youtubeDelete, publicRoute("converter")),
    faceRoute(routes.instagramConvert, h.instagramConvert, userRoute("converter")),
    faceRoute(routes.instagramDownload, h.instagramDownload, publicRoute("streaming")),
    faceRoute(routes.instagramDelete, h.instagramDelete, publicRoute("converter")),
    faceRoute(routes.tiktokConvert, h.tiktokConvert, publicRoute("converter")),
    faceRoute(routes.tiktokDownload, h.tiktokDownload, publicRoute("streaming")),
    faceRoute(routes.tiktokDelete, h.tiktokDelete, publicRoute("converter")),
    faceRoute(routes.logs, h.logs, userRoute("converter")),
    faceRoute(routes.stats, h.stats, publicRoute("converter")),
  ],
});
