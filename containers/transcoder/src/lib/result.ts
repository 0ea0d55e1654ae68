/**
 * Expected failures travel as values (cobalt's convention): a resolver or helper returns
 * `fail("source.private", ...)` instead of throwing, and only the operation decides what to emit.
 * Exceptions are left for bugs, which the server reports as `internal`.
 */
import type { TranscoderError, TranscoderErrorCode } from "../../../../protocol/transcoder.ts";

export type Failure = { ok: false; error: TranscoderError };
export type Result<T> = { ok: true; value: T } | Failure;

/** Whether a code is worth retrying when the caller does not say: transient by nature, or not. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<TranscoderErrorCode> = new Set(["timeout", "upload.failed", "internal"]);

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (code: TranscoderErrorCode, message: string, retryable = RETRYABLE_BY_DEFAULT.has(code)): Failure => ({
  ok: false,
  error: { code, message: message.slice(0, 2000), retryable },
});
