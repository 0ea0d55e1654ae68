/**
 * The admin section: accounts waiting for approval (Approve) and dead tasks with their last error (Retry).
 * /api/user_info answers the username only, without the role, so the section shows itself when the
 * admin API answers the pending list with 200 and stays hidden on 403 (or any failure): the page has no
 * way in that the API does not grant.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components, paths } from "../../api/schema";
import { DataTable } from "../../components/data-table";
import { StatusLine, type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { accountErrorText } from "./errors";
import { TEXT } from "./text";

type PendingUser = paths["/api/admin/users/pending"]["get"]["responses"][200]["content"]["application/json"]["users"][number];
type Task = components["schemas"]["TaskView"];

export function AdminSection() {
  const t = usePageText(TEXT);
  const common = useText();
  const [isAdmin, setIsAdmin] = useState(false);
  const [pending, setPending] = useState<PendingUser[]>([]);
  const [dead, setDead] = useState<Task[]>([]);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  const load = useCallback(() => runAction(setStatus, common.networkError, async () => {
    const users = await api.GET("/api/admin/users/pending");
    if (!users.data) {
      setIsAdmin(false);
      return;
    }
    setIsAdmin(true);
    setPending(users.data.users);
    const tasks = await api.GET("/api/admin/tasks", { params: { query: { status: "dead", limit: 50, offset: 0 } } });
    if (!tasks.data) return { kind: "error", text: `${t.loadFailed}: ${accountErrorText(t, common, tasks.response.status, tasks.error)}` };
    setDead(tasks.data.tasks);
  }, { busy: false }), [t, common]);

  useEffect(() => void load(), []);

  // The answer's status is shown before the lists reload, which may replace it with their own failure.
  const onApprove = (username: string) =>
    runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.POST("/api/admin/users/{username}/approve", { params: { path: { username } } });
      setStatus(data ? { kind: "ok", text: fill(t.approved, { name: username }) } : { kind: "error", text: `${t.approveFailed}: ${accountErrorText(t, common, response.status, error)}` });
      await load();
    });

  const onRetry = (id: string) =>
    runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.POST("/api/admin/tasks/{id}/retry", { params: { path: { id } } });
      setStatus(data ? { kind: "ok", text: fill(t.retried, { id }) } : { kind: "error", text: `${t.retryFailed}: ${accountErrorText(t, common, response.status, error)}` });
      await load();
    });

  if (!isAdmin) return null;
  return (
    <section class="card account-admin" aria-labelledby="admin-heading">
      <h2 id="admin-heading">{t.adminHeading}</h2>
      <StatusLine status={status} id="admin-status" />

      <h3 id="pending-heading">{t.pendingHeading}</h3>
      <DataTable
        labelledBy="pending-heading"
        testId="pending-users"
        columns={[t.colUser, t.colEmail, t.colRegistered, t.colActions]}
        rows={pending}
        empty={t.noPending}
        row={(u) => (
          <tr key={u.username}>
            <td>{u.username}</td>
            <td>{u.email}</td>
            <td>{new Date(u.created_at).toLocaleString()}</td>
            <td>
              <button type="button" class="account-small-button" aria-label={fill(t.approveButton, { name: u.username })} onClick={() => void onApprove(u.username)}>
                {t.approveShort}
              </button>
            </td>
          </tr>
        )}
      />

      <h3 id="dead-heading">{t.deadHeading}</h3>
      <p>{t.deadIntro}</p>
      <DataTable
        labelledBy="dead-heading"
        testId="dead-tasks"
        columns={[t.colKind, t.colError, t.colAttempts, t.colUpdated, t.colActions]}
        rows={dead}
        empty={t.noDead}
        row={(task) => (
          <tr key={task.id} data-task-id={task.id}>
            <td>{task.kind}</td>
            <td class="account-error-cell">
              {task.error_code && <code>{task.error_code}</code>} {task.error_message}
            </td>
            <td>
              {task.attempts} / {task.max_retries + 1}
            </td>
            <td>{new Date(task.finished_at ?? task.updated_at).toLocaleString()}</td>
            <td>
              <button type="button" class="account-small-button" aria-label={fill(t.retryButton, { id: task.id })} onClick={() => void onRetry(task.id)}>
                {t.retryShort}
              </button>
            </td>
          </tr>
        )}
      />
    </section>
  );
}
