/** A message region that screen readers announce when its text changes; its height never jumps to zero. */
import { useText } from "../i18n";

export type Status = { kind: "idle" } | { kind: "busy" } | { kind: "ok"; text: string } | { kind: "error"; text: string };

export function StatusLine({ status, id }: { status: Status; id: string }) {
  const t = useText();
  const text = status.kind === "busy" ? t.working : status.kind === "ok" || status.kind === "error" ? status.text : "";
  return (
    <p id={id} class={`status status-${status.kind}`} role={status.kind === "error" ? "alert" : "status"} aria-live="polite">
      {text}
    </p>
  );
}
