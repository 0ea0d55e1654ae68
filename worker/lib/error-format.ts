/**
 * Each API face documents its own error body. A face supplies one `ErrorFormat`; the router factory uses
 * it for zod failures, malformed bodies, thrown `AppError`s, unknown routes and unexpected crashes, so every
 * error a face emits has its documented shape.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { issuesToSentence, type ValidationIssue } from "./validation-issues";

export interface ErrorBody {
  status: ContentfulStatusCode;
  body: Record<string, unknown>;
}

export interface ErrorFormat {
  /** Used in logs and the OpenAPI description. */
  readonly name: string;
  validation(issues: ValidationIssue[]): ErrorBody;
  http(status: ContentfulStatusCode, message: string): ErrorBody;
  internal(requestId: string): ErrorBody;
}

/** FastAPI's defaults: `{detail: "..."}`, 422 `{detail: [{loc, msg, type}]}`. Seeds 002 and 004. */
export const fastApiErrors: ErrorFormat = {
  name: "fastapi",
  validation: (issues) => ({ status: 422, body: { detail: issues } }),
  http: (status, message) => ({ status, body: { detail: message } }),
  internal: () => ({ status: 500, body: { detail: "Internal server error" } }),
};

/**
 * Seed 000: endpoint errors are shown as `{detail}` and its Starlette handler as `{message}`; both fields are
 * sent so clients of either form work. Validation and crashes follow its custom handlers.
 */
export const saverErrors: ErrorFormat = {
  name: "saver",
  validation: (issues) => ({ status: 422, body: { message: "Validation Error", detail: issues } }),
  http: (status, message) => ({ status, body: { detail: message, message } }),
  internal: (requestId) => ({
    status: 500,
    body: { message: "Internal Server Error", detail: `Error: unexpected failure (request ${requestId})` },
  }),
};

/** Seed 001: `{status: "error", message}` everywhere; validation failures are 400 with a readable sentence. */
export const converterErrors: ErrorFormat = {
  name: "converter",
  validation: (issues) => ({ status: 400, body: { status: "error", message: issuesToSentence(issues) } }),
  http: (status, message) => ({ status, body: { status: "error", message } }),
  internal: (requestId) => ({
    status: 500,
    body: { status: "error", message: `Internal server error (request ${requestId})` },
  }),
};
