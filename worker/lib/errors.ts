/**
 * Errors that carry an HTTP meaning. Services throw `AppError` for expected failures (not found, conflict,
 * refused input); each API face's formatter turns it into that face's documented error body, so a service
 * never decides the wire shape.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  /** A stable, machine-readable reason (e.g. `source.unsupported`), for logs and for faces that map codes. */
  readonly code: string;

  constructor(status: ContentfulStatusCode, message: string, code = "error") {
    super(message);
    this.name = "AppError";
    this.status = status;
    this.code = code;
  }
}

export const notFound = (message: string, code = "not_found") => new AppError(404, message, code);
export const badRequest = (message: string, code = "bad_request") => new AppError(400, message, code);
export const conflict = (message: string, code = "conflict") => new AppError(409, message, code);
export const unauthorized = (message: string, code = "unauthorized") => new AppError(401, message, code);
export const forbidden = (message: string, code = "forbidden") => new AppError(403, message, code);
