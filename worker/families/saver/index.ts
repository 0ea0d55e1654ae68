import { createRouter } from "../../lib/create-app";
import { saverErrors } from "../../lib/error-format";
import * as handlers from "./handlers";
import * as routes from "./routes";

/** Seed 000 at the root: /download, /stream/{filename}. */
export const saverRouter = createRouter(saverErrors)
  .openapi(routes.download, handlers.download)
  .openapi(routes.stream, handlers.stream);
