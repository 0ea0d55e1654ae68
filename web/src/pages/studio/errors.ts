/** The studio API's failures in words a person understands, in the page's language. */
import { errorText } from "../../api/client";
import { fill } from "../../i18n/fill";
import { type TEXT } from "./text";

type StudioText = (typeof TEXT)["en"];

/** The compress refusal states the smallest size the video allows; the page says it in the user's language. */
const SMALLEST = /smallest possible size is (\d+(?:\.\d+)?) MB/;

export function studioErrorText(t: StudioText, status: number, body: unknown): string {
  const detail = errorText(body) ?? "";
  const smallest = SMALLEST.exec(detail);
  if (status === 400 && smallest) return fill(t.tooSmall, { min: smallest[1]! });
  switch (status) {
    case 400:
      return fill(t.errorBadRequest, { detail });
    case 401:
      return t.errorUnauthorized;
    case 403:
      return t.errorForbidden;
    case 404:
      return t.errorNotFound;
    case 413:
      return t.errorTooLarge;
    case 429:
      return t.errorRateLimited;
    case 502:
      return t.errorUpstream;
    case 503:
      return t.errorUnavailable;
    case 504:
      return t.errorTimeout;
    default:
      return fill(t.errorOther, { status });
  }
}
