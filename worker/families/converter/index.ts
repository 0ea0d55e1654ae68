import { createRouter } from "../../lib/create-app";
import { converterErrors } from "../../lib/error-format";
import * as h from "./handlers";
import * as routes from "./routes";

/** Seed 001 under /api. Who may call what is in auth/policy.ts. */
export const converterRouter = createRouter(converterErrors)
  .openapi(routes.ping, h.ping)
  .openapi(routes.register, h.register)
  .openapi(routes.login, h.login)
  .openapi(routes.userInfo, h.userInfo)
  .openapi(routes.youtubeConvert, h.youtubeConvert)
  .openapi(routes.youtubeDownload, h.youtubeDownload)
  .openapi(routes.youtubeDelete, h.youtubeDelete)
  .openapi(routes.instagramConvert, h.instagramConvert)
  .openapi(routes.instagramDownload, h.instagramDownload)
  .openapi(routes.instagramDelete, h.instagramDelete)
  .openapi(routes.tiktokConvert, h.tiktokConvert)
  .openapi(routes.tiktokDownload, h.tiktokDownload)
  .openapi(routes.tiktokDelete, h.tiktokDelete)
  .openapi(routes.logs, h.logs)
  .openapi(routes.stats, h.stats);
