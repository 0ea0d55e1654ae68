import { JWT_ONLY, userRoute } from "../../auth/policy";
import { converterErrors } from "../../lib/error-format";
import { defineFace, faceRoute } from "../face";
import * as h from "./handlers";
import * as routes from "./routes";

/** A user's API keys, managed with a JWT only (a leaked key cannot mint or list keys). */
export const apiKeysFace = defineFace({
  name: "api-keys",
  errors: converterErrors,
  paths: ["/api/keys"],
  cors: "default",
  routes: [
    faceRoute(routes.createKey, h.createKey, userRoute("auth", JWT_ONLY)),
    faceRoute(routes.listKeys, h.listKeys, userRoute("converter", JWT_ONLY)),
    faceRoute(routes.revokeKey, h.revokeKey, userRoute("converter", JWT_ONLY)),
  ],
});
