/** The studio's script routes: generate-script, the script's JSON Schema, edit and process. */
import { faceRoute, type FaceRoute } from "../../face";
import { studioAccess, studioProcessAccess, studioPublicAccess } from "../access";
import * as h from "./handlers";
import * as routes from "./routes";

export const scriptRoutes: readonly FaceRoute[] = [
  faceRoute(routes.generateScript, h.generateScript, studioAccess),
  faceRoute(routes.editScriptJsonSchema, h.editScriptJsonSchema, studioPublicAccess),
  faceRoute(routes.edit, h.edit, studioAccess),
  faceRoute(routes.process, h.process, studioProcessAccess),
];
