/**
 * Likes, views and comments of a reel or a story through seed 002's endpoints, as the page's `user_id`
 * (identity.ts). After each change the caller reloads the item, so the counts shown are the platform's.
 */
import { useEffect, useState } from "preact/hooks";
import type { JSX } from "preact";
import { runAction } from "../../api/action";
import { api, errorText } from "../../api/client";
import type { components } from "../../api/schema";
import { StatusLine, type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { TEXT } from "./text";

export type Target = { reels_id: number } | { story_id: number };
type Comment = components["schemas"]["SocialComment"];

/** A refusal's words: FastAPI's `{detail}` (a string or a list of issues) or the status. */
export function failureText(error: unknown, response: Response | undefined): string {
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  if (Array.isArray(detail)) return detail.map((d: { msg?: string }) => d.msg ?? "").join("; ");
  return errorText(error) ?? (response ? `HTTP ${response.status}` : "");
}

export function LikeButton({ target, userId, liked, count, onChanged }: { target: Target; userId: number; liked: boolean; count: number; onChanged: () => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const toggle = async () => {
    setBusy(true);
    // The button shows it is busy (disabled); the line beside it is for failures only.
    await runAction(setStatus, common.networkError, async () => {
      const body = { user_id: userId, ...target };
      const { error, response } = liked ? await api.DELETE("/api/v1/likes/remove", { body }) : await api.POST("/api/v1/likes/add", { body });
      setStatus(error ? { kind: "error", text: fill(t.actionFailed, { reason: failureText(error, response) }) } : { kind: "idle" });
      onChanged();
    }, { busy: false });
    setBusy(false);
  };
  return (
    <span class="like">
      <button type="button" class="like-button" aria-pressed={liked} disabled={busy} onClick={toggle}>
        <span aria-hidden="true">{liked ? "♥" : "♡"}</span> {t.like}
      </button>
      <span class="count" data-testid="likes-count">{fill(t.likes, { n: count })}</span>
      {status.kind === "error" && <span class="status-error" role="alert">{status.text}</span>}
    </span>
  );
}

/** Records one view (the caller decides when: once per play). */
export async function recordView(target: Target, userId: number): Promise<boolean> {
  try {
    const { data } = await api.POST("/api/v1/views/add", { body: { user_id: userId, ...target } });
    return data !== undefined;
  } catch {
    return false;
  }
}

/** The comments of a reel or story, oldest first, and a form to add one. */
export function Comments({ target, userId, count, idPrefix, onChanged }: { target: Target; userId: number; count: number; idPrefix: string; onChanged: () => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const [open, setOpen] = useState(false);
  const [comments, setComments] = useState<Comment[]>();
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [text, setText] = useState("");

  const load = () =>
    runAction(setStatus, common.networkError, async () => {
      // offset defaults to 10 in the document's API: ask for the first page explicitly.
      const { data, error, response } = await api.GET("/api/v1/comments/list", { params: { query: { ...target, limit: 100, offset: 0 } } });
      if (!data) return { kind: "error", text: fill(t.loadFailed, { reason: failureText(error, response) }) };
      setComments(data.comments);
    }, { busy: false });
  useEffect(() => {
    if (open) void load();
  }, [open, count]);

  const onSubmit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!text.trim()) return;
    await runAction(setStatus, common.networkError, async () => {
      const { error, response } = await api.POST("/api/v1/comments/add", { body: { user_id: userId, ...target, comment: text } });
      if (error) return { kind: "error", text: fill(t.actionFailed, { reason: failureText(error, response) }) };
      setText("");
      setStatus({ kind: "idle" });
      await load();
      onChanged();
    });
  };

  return (
    <details class="comments" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{fill(t.comments, { n: count })}</summary>
      {comments && comments.length === 0 && <p>{t.noComments}</p>}
      {comments && comments.length > 0 && (
        <ul class="comment-list">
          {comments.map((c) => (
            <li key={c.id}>{c.comment}</li>
          ))}
        </ul>
      )}
      <form class="comment-form" onSubmit={onSubmit}>
        <label for={`${idPrefix}-comment`}>{t.commentLabel}</label>
        <textarea id={`${idPrefix}-comment`} rows={2} value={text} onInput={(e) => setText(e.currentTarget.value)} required />
        <button type="submit" disabled={status.kind === "busy"}>{t.commentButton}</button>
        <StatusLine status={status} id={`${idPrefix}-comment-status`} />
      </form>
    </details>
  );
}
