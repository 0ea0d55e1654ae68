/** The studio API's refusals in words: the ones about its videos and TikTok are the page's own. */
import { errorText } from "../../api/client";
import { refusalText } from "../../api/refusal";
import type { Dictionary } from "../../i18n/en";
import { fill } from "../../i18n/fill";
import { type TEXT } from "./text";

type StudioText = (typeof TEXT)["en"];

/** The compress refusal states the smallest size the video allows; the page says it in the user's language. */
const SMALLEST = /smallest possible size is (\d+(?:\.\d+)?) MB/;

export function studioErrorText(t: StudioText, common: Dictionary, status: number, body: unknown): string {
  if (status === 400) {
    const detail = errorText(body) ?? "";
    const smallest = SMALLEST.exec(detail);
    return smallest ? fill(t.tooSmall, { min: smallest[1]! }) : fill(t.errorBadRequest, { detail });
  }
  return refusalText(common, status, {
    401: t.errorUnauthorized,
    403: t.errorForbidden,
    404: t.errorNotFound,
    413: t.errorTooLarge,
    429: t.errorRateLimited,
    502: t.errorUpstream,
    503: t.errorUnavailable,
    504: t.errorTimeout,
  });
}
