/**
 * Zod failures → FastAPI/pydantic-v1 style issues (`{loc, msg, type}`), the validation shape that seeds
 * 000, 002 and 004 document (`"msg": "field required", "type": "value_error.missing"`). Faces with
 * another shape (001's `{status, message}`) render the same issues as one sentence.
 */
import type { ZodError } from "zod";

export type ValidationTarget = "body" | "query" | "path" | "header" | "cookie" | "form" | "json" | "param";

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

const LOCATION: Record<ValidationTarget, string> = {
  body: "body",
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  path: "path",
  header: "header",
  cookie: "cookie",
};

type ZodIssue = ZodError["issues"][number];

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const key of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

const TYPE_NAMES: Record<string, [string, string]> = {
  string: ["str type expected", "type_error.str"],
  number: ["value is not a valid number", "type_error.number"],
  int: ["value is not a valid integer", "type_error.integer"],
  boolean: ["value could not be parsed to a boolean", "type_error.bool"],
  object: ["value is not a valid dict", "type_error.dict"],
  array: ["value is not a valid list", "type_error.list"],
};

/** zod's own messages; anything else was written into a schema on purpose and is passed through. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized|Expected)/;

/**
 * Issues whose message a schema states on purpose (`invalid content type`): faces that answer with one
 * sentence emit such a message alone, exactly as the document prints it. Kept beside the issue objects
 * rather than on them, so the FastAPI `{loc, msg, type}` bodies carry no extra field.
 */
const authored = new WeakSet<ValidationIssue>();

function describe(issue: ZodIssue, data: unknown): { msg: string; type: string; authored?: true } {
  if (issue.code !== "invalid_type" && !DEFAULT_MESSAGE.test(issue.message)) return { msg: issue.message, type: "value_error", authored: true };
  switch (issue.code) {
    case "invalid_type": {
      // Missing and null both count as "field required", as pydantic v1 reports them.
      const actual = valueAt(data, issue.path);
      if (actual === undefined || actual === null) return { msg: "field required", type: "value_error.missing" };
      const [msg, type] = TYPE_NAMES[issue.expected] ?? [`${issue.expected} type expected`, `type_error.${issue.expected}`];
      return { msg, type };
    }
    case "too_small":
      if (issue.origin === "string")
        return { msg: `ensure this value has at least ${issue.minimum} characters`, type: "value_error.any_str.min_length" };
      if (issue.origin === "array")
        return { msg: `ensure this value has at least ${issue.minimum} items`, type: "value_error.list.min_items" };
      return {
        msg: `ensure this value is greater than${issue.inclusive ? " or equal to" : ""} ${issue.minimum}`,
        type: issue.inclusive ? "value_error.number.not_ge" : "value_error.number.not_gt",
      };
    case "too_big":
      if (issue.origin === "string")
        return { msg: `ensure this value has at most ${issue.maximum} characters`, type: "value_error.any_str.max_length" };
      if (issue.origin === "array")
        return { msg: `ensure this value has at most ${issue.maximum} items`, type: "value_error.list.max_items" };
      return {
        msg: `ensure this value is less than${issue.inclusive ? " or equal to" : ""} ${issue.maximum}`,
        type: issue.inclusive ? "value_error.number.not_le" : "value_error.number.not_lt",
      };
    case "invalid_value":
      return {
        msg: `value is not a valid enumeration member; permitted: ${issue.values.map((v) => `'${String(v)}'`).join(", ")}`,
        type: "type_error.enum",
      };
    case "invalid_format":
      if (issue.format === "url") return { msg: "invalid or missing URL scheme", type: "value_error.url" };
      if (issue.format === "email") return { msg: "value is not a valid email address", type: "value_error.email" };
      if (issue.format === "datetime") return { msg: "invalid datetime format", type: "value_error.datetime" };
      return { msg: `string does not match the expected ${issue.format} format`, type: "value_error.str.regex" };
    case "unrecognized_keys":
      return { msg: "extra fields not permitted", type: "value_error.extra" };
    default:
      return { msg: issue.message, type: "value_error" };
  }
}

export function toValidationIssues(error: ZodError, target: ValidationTarget, data: unknown): ValidationIssue[] {
  const where = LOCATION[target];
  return error.issues.map((issue) => {
    const { msg, type, authored: own } = describe(issue, data);
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    const out: ValidationIssue = { loc: [where, ...path], msg, type };
    if (own) authored.add(out);
    return out;
  });
}

/** A body that is not JSON at all, reported the way FastAPI does (`value_error.jsondecode`). */
export const malformedJsonIssue = (): ValidationIssue => ({
  loc: ["body", 0],
  msg: "request body is not valid JSON",
  type: "value_error.jsondecode",
});

/**
 * "url: field required; format: ..." — for faces whose errors are one message string. A message the
 * schema authored is the document's own wording and stands alone (`invalid content type`).
 */
export function issuesToSentence(issues: ValidationIssue[]): string {
  return issues
    .map((i) => {
      if (authored.has(i)) return i.msg;
      const field = i.loc.slice(1).join(".") || String(i.loc[0]);
      return `${field}: ${i.msg}`;
    })
    .join("; ");
}
