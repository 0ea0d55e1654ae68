/** The Archive page's wording helpers: API refusals in a person's words, sizes, durations and dates. */
import { errorText } from "../../api/client";
import type { Dictionary } from "../../i18n/en";
import type { ArchiveText } from "./text";

/** FastAPI's 422 lists each problem as `{loc, msg}`; other refusals carry one `detail` string. */
function validationMessages(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("detail" in body) || !Array.isArray(body.detail)) return undefined;
  const messages = body.detail.flatMap((item: unknown) =>
    typeof item === "object" && item !== null && "msg" in item && typeof item.msg === "string" ? [item.msg] : [],
  );
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/**
 * What to tell a person about a refused call: the status says most of it (a stale sign-in, a deleted job,
 * the document's 10 requests a minute); a validation refusal keeps the API's own explanation (which names
 * the field and the rule, e.g. a leading @), after a translated lead.
 */
export function problemText(t: ArchiveText, common: Dictionary, status: number, body: unknown): string {
  if (status === 401 || status === 403) return t.errSession;
  if (status === 404) return t.errNotFound;
  if (status === 429) return common.errorRateLimited;
  if (status === 422 || status === 400) return `${t.errInvalid}: ${validationMessages(body) ?? errorText(body) ?? ""}`;
  if (status >= 500) return t.errServer;
  return errorText(body) ?? t.errServer;
}

export function formatBytes(bytes: number | null | undefined, language: string, unknown: string): string {
  if (bytes == null) return unknown;
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null | undefined, unknown: string): string {
  if (seconds == null) return unknown;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export function formatCount(value: number | null | undefined, language: string, unknown: string): string {
  return value == null ? unknown : new Intl.NumberFormat(language).format(value);
}

export function formatDate(iso: string | null | undefined, language: string, unknown: string): string {
  if (!iso) return unknown;
  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}
