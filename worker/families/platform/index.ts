import { createRouter } from "../../lib/create-app";
import { converterErrors, fastApiErrors } from "../../lib/error-format";
import * as h from "./handlers";
import * as routes from "./routes";

/** The transcoder's signed blob endpoint. */
export const blobRouter = createRouter(fastApiErrors).openapi(routes.blobPut, h.blobPut).openapi(routes.blobGet, h.blobGet);

/** Operations API under /api/admin, in the converter's `{status, message}` shape (it shares the /api prefix). */
export const adminRouter = createRouter(converterErrors)
  .openapi(routes.approveUser, h.approveUser)
  .openapi(routes.listPendingUsers, h.listPendingUsers)
  .openapi(routes.listTasks, h.listTasks)
  .openapi(routes.createKey, h.createKey)
  .openapi(routes.listKeys, h.listKeys)
  .openapi(routes.revokeKey, h.revokeKey);
