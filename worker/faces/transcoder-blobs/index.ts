import { publicRoute } from "../../auth/policy";
import { fastApiErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";

/**
 * Signed URLs carry their own authority (an HMAC grant), so no credential is read; the generous
 * `internal` limit only stops a leaked URL from becoming a firehose. No browser has business here: no CORS.
 */
export const transcoderBlobsFace = defineFace({
  name: "transcoder-blobs",
  errors: fastApiErrors,
  paths: ["/internal/"],
  cors: "none",
  routes: [
    faceRoute(routes.blobPut, h.blobPut, publicRoute("internal", [])),
    faceRoute(routes.blobGet, h.blobGet, publicRoute("internal", [])),
  ],
});
