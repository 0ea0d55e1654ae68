/** The account and admin APIs' failures in words, in the page's language. */
import { errorText } from "../../api/client";
import { fill } from "../../i18n/fill";
import { type TEXT } from "./text";

type AccountText = (typeof TEXT)["en"];

export function accountErrorText(t: AccountText, status: number, body: unknown): string {
  switch (status) {
    case 400:
      return errorText(body) ?? fill(t.errorOther, { status });
    case 401:
      return t.errorUnauthorized;
    case 403:
      return t.errorForbidden;
    case 404:
      return t.errorNotFound;
    case 409:
      return t.errorConflict;
    default:
      return fill(t.errorOther, { status });
  }
}
