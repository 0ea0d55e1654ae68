/**
 * A refused API call in words, in the interface language: the page's own words for the statuses its API
 * means its own way (an account 403 is about being an administrator, a studio 413 about a video's size),
 * the shell's for the rest (a rate limit reads the same on every page; any other status by its number).
 */
import type { Dictionary } from "../i18n/en";
import { fill } from "../i18n/fill";

/** A page's words by HTTP status. */
export type StatusWords = Readonly<Partial<Record<number, string>>>;

export function refusalText(common: Dictionary, status: number, own: StatusWords): string {
  return own[status] ?? (status === 429 ? common.errorRateLimited : fill(common.errorOther, { status }));
}
