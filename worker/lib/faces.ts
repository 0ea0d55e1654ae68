/**
 * Which API face owns a path, for errors raised outside a face's router (unknown routes, body limits,
 * authentication, rate limits).
 */
import { converterErrors, fastApiErrors, saverErrors, type ErrorFormat } from "./error-format";

export function errorFormatFor(path: string): ErrorFormat {
  if (path === "/download" || path.startsWith("/stream/")) return saverErrors;
  if (path.startsWith("/api/") && !path.startsWith("/api/v1/")) return converterErrors;
  return fastApiErrors;
}
