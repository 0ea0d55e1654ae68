/**
 * How a page runs an API call behind one of its status lines: busy while it runs, then the status the work
 * settles on. openapi-fetch rejects only when no answer came at all, so a rejection is worded as the
 * platform being unreachable; a refusal is an answer, and the work words it itself.
 */
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import type { Status } from "../components/status-line";
import { useText } from "../i18n";

export interface ActionOptions {
  /** Show busy while it runs (the default); off for loaders that refresh behind what they already show. */
  busy?: boolean;
  /** False once the answer no longer matters (the effect that asked was cleaned up): nothing is shown then. */
  live?: () => boolean;
}

/**
 * `work` returns the status to show when it is done, or nothing when it has set the status itself (before
 * a follow-up request that may set its own) or has nothing to show. Never rejects.
 */
export async function runAction(
  setStatus: (status: Status) => void,
  networkError: string,
  work: () => Promise<Status | void>,
  { busy = true, live = () => true }: ActionOptions = {},
): Promise<void> {
  if (busy) setStatus({ kind: "busy" });
  let next: Status | void;
  try {
    next = await work();
  } catch {
    next = { kind: "error", text: networkError };
  }
  if (next && live()) setStatus(next);
}

/**
 * A form's status line and submit handler: the browser's own submission is stopped, and `work` runs with the
 * submitted form as an action behind that status line.
 */
export function useFormAction(work: (form: HTMLFormElement) => Promise<Status | void>) {
  const common = useText();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const onSubmit = (event: JSX.TargetedSubmitEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    return runAction(setStatus, common.networkError, () => work(form));
  };
  return { status, setStatus, onSubmit };
}
