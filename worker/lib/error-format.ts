/**
 * Each API face documents its own error body. A face supplies one `ErrorFormat`; the app uses it for zod
 * failures, malformed bodies, thrown `AppError`s, unknown routes under the face's paths, authentication,
 * rate limits and unexpected crashes, so every error a face emits has its documented shape.
 *
 * Every format also carries the zod schemas of the bodies it produces: the OpenAPI error responses of a
 * route are derived from them (`errorResponses`), so a shape is written once, and the fuzz test checks
 * real responses against the same schemas.
 */
import { z } from "@hono/zod-openapi";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { issuesToSentence, type ValidationIssue } from "./validation-issues";

export interface ErrorBody {
  status: ContentfulStatusCode;
  body: Record<string, unknown>;
}

export interface ErrorSchemas {
  /** An expected failure (`http`). */
  http: z.ZodType;
  /** A request that failed validation (`validation`). */
  validation: z.ZodType;
  /** An unexpected crash (`internal`). */
  internal: z.ZodType;
  /** Refused credentials, when the face documents a body of its own for them. */
  unauthorized?: z.ZodType;
}

export interface ErrorFormat {
  /** Used in logs and the OpenAPI description. */
  readonly name: string;
  /** The status a validation failure answers with (FastAPI 422, Flask-style faces 400). */
  readonly validationStatus: ContentfulStatusCode;
  readonly schemas: ErrorSchemas;
  validation(issues: ValidationIssue[]): ErrorBody;
  http(status: ContentfulStatusCode, message: string): ErrorBody;
  /** `crash.debug` is the DEBUG setting: only then may a format show `crash.error` to the client. */
  internal(requestId: string, crash: { error: string; debug: boolean }): ErrorBody;
}

const Loc = z.array(z.union([z.string(), z.number()]));
export const ValidationIssueSchema = z
  .object({ loc: Loc, msg: z.string(), type: z.string() })
  .openapi("ValidationIssue", { example: { loc: ["body", "url"], msg: "field required", type: "value_error.missing" } });

const FastApiDetail = z.object({ detail: z.string() }).openapi("FastApiError", { example: { detail: "Not Found" } });
const FastApiValidation = z
  .object({ detail: z.array(ValidationIssueSchema) })
  .openapi("FastApiValidationError", {
    example: { detail: [{ loc: ["body", "url"], msg: "field required", type: "value_error.missing" }] },
  });

/** FastAPI's defaults: `{detail: "..."}`, 422 `{detail: [{loc, msg, type}]}`. Seeds 002 and 004. */
export const fastApiErrors: ErrorFormat = {
  name: "fastapi",
  validationStatus: 422,
  schemas: { http: FastApiDetail, validation: FastApiValidation, internal: FastApiDetail },
  validation: (issues) => ({ status: 422, body: { detail: issues } }),
  http: (status, message) => ({ status, body: { detail: message } }),
  internal: () => ({ status: 500, body: { detail: "Internal server error" } }),
};

const ArchiverInternal = z
  .object({ detail: z.string(), error: z.string().optional() })
  .openapi("ArchiverInternalError", { example: { detail: "Internal server error", error: "Error details (if DEBUG=true)" } });

/** Seed 004: FastAPI's shapes, and a 500 of `{detail, error}` whose `error` is shown only when DEBUG is true. */
export const archiverErrors: ErrorFormat = {
  ...fastApiErrors,
  name: "archiver",
  schemas: { ...fastApiErrors.schemas, internal: ArchiverInternal },
  internal: (_requestId, crash) => ({
    status: 500,
    body: crash.debug ? { detail: "Internal server error", error: crash.error } : { detail: "Internal server error" },
  }),
};

const SaverHttp = z
  .object({ detail: z.string(), message: z.string() })
  .openapi("SaverHttpError", { example: { detail: "File not found", message: "File not found" } });
const SaverValidation = z
  .object({ message: z.literal("Validation Error"), detail: z.array(ValidationIssueSchema) })
  .openapi("SaverValidationError", {
    example: { message: "Validation Error", detail: [{ loc: ["body", "url"], msg: "field required", type: "value_error.missing" }] },
  });
const SaverInternal = z
  .object({ message: z.literal("Internal Server Error"), detail: z.string() })
  .openapi("SaverInternalError", { example: { message: "Internal Server Error", detail: "Error: unexpected failure (request …)" } });

/**
 * Seed 000: endpoint errors are shown as `{detail}` and its Starlette handler as `{message}`; both fields are
 * sent so clients of either form work. Validation and crashes follow its custom handlers.
 */
export const saverErrors: ErrorFormat = {
  name: "saver",
  validationStatus: 422,
  schemas: { http: SaverHttp, validation: SaverValidation, internal: SaverInternal },
  validation: (issues) => ({ status: 422, body: { message: "Validation Error", detail: issues } }),
  http: (status, message) => ({ status, body: { detail: message, message } }),
  internal: (requestId) => ({
    status: 500,
    body: { message: "Internal Server Error", detail: `Error: unexpected failure (request ${requestId})` },
  }),
};

/** The `{status, message}` body of seed 001 and of the platform APIs that share its /api prefix. */
export const StatusMessage = z
  .object({ status: z.string(), message: z.string() })
  .openapi("ConverterStatusMessage", { example: { status: "error", message: "Error message" } });

/**
 * Seed 001: `{status: "error", message}` everywhere; validation failures are 400 with a readable sentence.
 * A message a schema states on purpose (`invalid content type`) is the whole message, as the seed prints it.
 */
export const converterErrors: ErrorFormat = {
  name: "converter",
  validationStatus: 400,
  schemas: { http: StatusMessage, validation: StatusMessage, internal: StatusMessage },
  validation: (issues) => ({ status: 400, body: { status: "error", message: issuesToSentence(issues) } }),
  http: (status, message) => ({ status, body: { status: "error", message } }),
  internal: (requestId) => ({
    status: 500,
    body: { status: "error", message: `Internal server error (request ${requestId})` },
  }),
};

const StudioError = z
  .object({ success: z.literal(false), error: z.string() })
  .openapi("StudioError", { example: { success: false, error: "Invalid URL" } });
const StudioUnauthorized = z.object({ error: z.literal("Unauthorized") }).openapi("StudioUnauthorized", { example: { error: "Unauthorized" } });

/**
 * Seed 003 (Flask): `{success: false, error}` with a fitting status for every failure, validation included
 * (400 with a readable sentence); a missing or wrong bearer token is exactly `{error: "Unauthorized"}` (401).
 */
export const studioErrors: ErrorFormat = {
  name: "studio",
  validationStatus: 400,
  schemas: { http: StudioError, validation: StudioError, internal: StudioError, unauthorized: StudioUnauthorized },
  validation: (issues) => ({ status: 400, body: { success: false, error: issuesToSentence(issues) } }),
  http: (status, message) => (status === 401 ? { status, body: { error: "Unauthorized" } } : { status, body: { success: false, error: message } }),
  internal: (requestId) => ({ status: 500, body: { success: false, error: `Internal server error (request ${requestId})` } }),
};

/** The schema of the body `format` answers with at `status` (what a client of that face must parse). */
export function errorSchemaFor(format: ErrorFormat, status: number): z.ZodType {
  if (status === 401 && format.schemas.unauthorized) return format.schemas.unauthorized;
  if (status === format.validationStatus) {
    // Where validation and expected failures share a status (400 in Flask-style faces), either body is valid.
    return format.schemas.validation === format.schemas.http ? format.schemas.http : z.union([format.schemas.validation, format.schemas.http]);
  }
  if (status === 500) return z.union([format.schemas.internal, format.schemas.http]);
  return format.schemas.http;
}

/** One OpenAPI `responses` entry for an error status, in the face's shape. */
export function errorResponse(format: ErrorFormat, status: number, description: string) {
  return { description, content: { "application/json": { schema: errorSchemaFor(format, status) } } };
}

/**
 * OpenAPI `responses` entries for a route's error statuses, in its face's shape:
 * `...errorResponses(saverErrors, { 404: "No such file", 422: "Invalid body" })`.
 */
export function errorResponses<S extends number>(
  format: ErrorFormat,
  statuses: Record<S, string>,
): Record<S, ReturnType<typeof errorResponse>> {
  const out = {} as Record<S, ReturnType<typeof errorResponse>>;
  for (const [status, description] of Object.entries(statuses) as [string, string][]) {
    out[Number(status) as S] = errorResponse(format, Number(status), description);
  }
  return out;
}
