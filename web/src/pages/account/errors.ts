/** The account and admin APIs' refusals in words. */
import { errorText } from "../../api/client";
import { refusalText } from "../../api/refusal";
import type { Dictionary } from "../../i18n/en";
import { type TEXT } from "./text";

type AccountText = (typeof TEXT)["en"];

export function accountErrorText(t: AccountText, common: Dictionary, status: number, body: unknown): string {
  // A 400 names its own problem (a taken username, a name that is too long …).
  const said = status === 400 ? errorText(body) : undefined;
  return said ?? refusalText(common, status, { 401: t.errorUnauthorized, 403: t.errorForbidden, 404: t.errorNotFound, 409: t.errorConflict });
}
