/**
 * Validation failures found after the validators ran (multipart fields, which no zod validator reads): they
 * are answered in FastAPI's 422 shape, `{detail: [{loc, msg, type}]}`, like every other validation error.
 */
import { AppError } from "../../lib/errors";
import type { ValidationIssue } from "../../lib/validation-issues";
import type { MultipartSpec } from "../../media/uploads";

export class InvalidInput extends Error {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; "));
    this.name = "InvalidInput";
    this.issues = issues;
  }
}

/** The multipart field a `readMultipart` message names (its messages start with, or end in, the field). */
function fieldNamed(spec: MultipartSpec, message: string): string | undefined {
  const names = [...Object.keys(spec.files), ...Object.keys(spec.text)];
  return names.find((n) => message.startsWith(`${n} `) || message.endsWith(` ${n} is required`));
}

/**
 * `readMultipart`'s 422 refusals (a text field over its length, a missing field) as FastAPI issues at the
 * field they concern; every other error passes through unchanged.
 */
export function asValidationFailure(err: unknown, spec: MultipartSpec): unknown {
  if (!(err instanceof AppError) || err.status !== 422) return err;
  const field = fieldNamed(spec, err.message);
  const loc = field ? ["body", field] : ["body"];
  if (err.code === "multipart.text_too_long" && field) {
    const max = spec.text[field]?.maxLength;
    return new InvalidInput([{ loc, msg: `ensure this value has at most ${max} characters`, type: "value_error.any_str.max_length" }]);
  }
  if (err.code === "multipart.missing_field") return new InvalidInput([{ loc, msg: "field required", type: "value_error.missing" }]);
  return new InvalidInput([{ loc, msg: err.message, type: "value_error" }]);
}
