/**
 * A failed save in words a person understands. The task's error code (from the progress channel) is the
 * most precise reason; without one, the HTTP status the face answered with (the faces document the same
 * classes of failure under the same statuses: 403 private, 404 gone, 413 too large, 502 unreachable …).
 */
import type { Dictionary } from "../../i18n/en";
import type { SaveText } from "./text";

/** A failure in the page's own words, or in the shell's where every page says it alike. */
export type Failure =
  | {
      [K in keyof SaveText]: K extends `error${string}` ? K : never;
    }[keyof SaveText]
  | ShellFailure;
type ShellFailure = "networkError" | "errorRateLimited";

const BY_CODE: Record<string, Failure> = {
  "source.private": "errorPrivate",
  "source.unavailable": "errorNotFound",
  "source.no_media": "errorNoMedia",
  "source.unsupported": "errorBadLink",
  "source.blocked": "errorBadLink",
  "source.too_large": "errorTooLarge",
  "source.unreachable": "errorUnreachable",
};

const BY_STATUS: Record<number, Failure> = {
  400: "errorBadLink",
  401: "errorSignIn",
  403: "errorPrivate",
  404: "errorNotFound",
  413: "errorTooLarge",
  422: "errorBadLink",
  429: "errorRateLimited",
  502: "errorUnreachable",
  504: "errorTimeout",
};

export function failureOf(status: number, taskErrorCode: string | undefined): Failure {
  if (status === 504) return "errorTimeout";
  return (taskErrorCode ? BY_CODE[taskErrorCode] : undefined) ?? BY_STATUS[status] ?? "errorFailed";
}

export function failureText(t: SaveText, common: Dictionary, failure: Failure): string {
  return failure === "networkError" || failure === "errorRateLimited" ? common[failure] : t[failure];
}
