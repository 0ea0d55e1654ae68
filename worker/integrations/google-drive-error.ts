/**
 * One error type for everything that can go wrong talking to Google: HTTP answers, network failures and
 * uploads given up. `retryable` tells the caller (the task engine) whether trying later can help.
 */
import { z } from "zod";

export type DriveOperation = "token" | "files.list" | "files.create" | "upload.init" | "upload.put" | "upload.status";

export class DriveError extends Error {
  /** HTTP status of Google's answer; 0 when no answer arrived (network failure, aborted). */
  readonly status: number;
  /** Drive's `error.errors[0].reason` (e.g. `rateLimitExceeded`), or OAuth's `error` (e.g. `invalid_grant`). */
  readonly reason: string | undefined;
  readonly retryable: boolean;
  readonly operation: DriveOperation;

  constructor(operation: DriveOperation, status: number, message: string, opts: { reason?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(`Google Drive ${operation}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "DriveError";
    this.operation = operation;
    this.status = status;
    this.reason = opts.reason;
    this.retryable = opts.retryable ?? isRetryableStatus(status);
  }
}

/** 429 and 5xx are transient on Google's side; 0 is a network failure. Everything else needs a change first. */
export const isRetryableStatus = (status: number) => status === 0 || status === 429 || status >= 500;

// Drive v3's error body, and the OAuth token endpoint's (RFC 6749 §5.2).
const driveErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), message: z.string().optional() })).optional(),
  }),
});
const oauthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** Reads Google's error body (either shape) into a DriveError; the body never holds a token or the key. */
export async function driveErrorFrom(operation: DriveOperation, res: Response): Promise<DriveError> {
  const text = await res.text().catch(() => "");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const drive = driveErrorBody.safeParse(body);
  if (drive.success) {
    const first = drive.data.error.errors?.[0];
    return new DriveError(operation, res.status, drive.data.error.message ?? first?.message ?? res.statusText, { reason: first?.reason });
  }
  const oauth = oauthErrorBody.safeParse(body);
  if (oauth.success) {
    return new DriveError(operation, res.status, oauth.data.error_description ?? oauth.data.error, { reason: oauth.data.error });
  }
  return new DriveError(operation, res.status, `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
}

/** A fetch that threw: no answer from Google. Aborts by the caller are not worth retrying. */
export function networkError(operation: DriveOperation, cause: unknown, signal?: AbortSignal): DriveError {
  const aborted = signal?.aborted ?? false;
  const message = aborted ? "aborted" : cause instanceof Error ? cause.message : String(cause);
  return new DriveError(operation, 0, message, { reason: aborted ? "aborted" : "network", retryable: !aborted, cause });
}
