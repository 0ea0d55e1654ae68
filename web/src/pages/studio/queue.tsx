/**
 * The studio's priority queue: add a process job (URL + priority), the caller's jobs ordered by priority and
 * then status with a status filter, and the counts by status. Refreshed every few seconds while shown, so a
 * job's progress from waiting to done appears without a click.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { runAction, useFormAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { DataTable } from "../../components/data-table";
import { StatusLine, type Status } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { usePageText, useText } from "../../i18n";
import { studioErrorText } from "./errors";
import { TEXT } from "./text";

type Job = components["schemas"]["StudioQueueJob"];
type Stats = components["schemas"]["StudioQueueStats"];
type JobStatus = Job["status"];

const STATUSES: readonly JobStatus[] = ["pending", "processing", "completed", "failed"];
/** Within a priority, the jobs still to come before the ones that ended. */
const STATUS_ORDER: Record<JobStatus, number> = { processing: 0, pending: 1, failed: 2, completed: 3 };
const REFRESH_MS = 4000;

const byPriorityThenStatus = (a: Job, b: Job) => b.priority - a.priority || STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.created_at.localeCompare(a.created_at);

export function QueueSection() {
  const t = usePageText(TEXT);
  const common = useText();
  const [filter, setFilter] = useState<JobStatus | "">("");
  const [jobs, setJobs] = useState<Job[]>([]);
  const [stats, setStats] = useState<Stats>();
  const [loadStatus, setLoadStatus] = useState<Status>({ kind: "idle" });
  const statusWord: Record<JobStatus, string> = { pending: t.statusPending, processing: t.statusProcessing, completed: t.statusCompleted, failed: t.statusFailed };

  // Not busy while it reloads: the list refreshes every few seconds behind what it shows.
  const load = useCallback(() => runAction(setLoadStatus, common.networkError, async () => {
    const [list, counts] = await Promise.all([
      api.GET("/api/v1/queue/jobs", { params: { query: { limit: 100, offset: 0, ...(filter ? { status: filter } : {}) } } }),
      api.GET("/api/v1/queue/stats"),
    ]);
    if (list.data) setJobs([...list.data.jobs].sort(byPriorityThenStatus));
    if (counts.data) setStats(counts.data);
    const failed = list.error ? list.response : counts.error ? counts.response : undefined;
    return failed ? { kind: "error", text: `${t.loadFailed}: ${studioErrorText(t, common, failed.status, list.error ?? counts.error)}` } : { kind: "idle" };
  }, { busy: false }), [filter, t, common]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const { status: addStatus, setStatus: setAddStatus, onSubmit: onAdd } = useFormAction(async (form) => {
    const url = formField(form, "url").value.trim();
    const priority = Number(formField(form, "priority").value);
    const { data, error, response } = await api.POST("/api/v1/queue/jobs", { body: { url, priority, max_retries: 3 } });
    if (!data) return { kind: "error", text: `${t.addJobFailed}: ${studioErrorText(t, common, response.status, error)}` };
    setAddStatus({ kind: "ok", text: t.jobAdded });
    await load();
  });

  const counts: [string, number | undefined][] = [
    [t.statPending, stats?.pending],
    [t.statProcessing, stats?.processing],
    [t.statCompleted, stats?.completed],
    [t.statFailed, stats?.failed],
    [t.statTotal, stats?.total],
  ];

  return (
    <section class="card studio-wide" aria-labelledby="queue-heading">
      <h2 id="queue-heading">{t.queueHeading}</h2>
      <p>{t.queueIntro}</p>
      <form class="studio-form" onSubmit={onAdd} aria-label={t.addJobButton} aria-describedby="queue-add-status">
        <label for="queue-url">{t.urlLabel}</label>
        <input id="queue-url" name="url" type="url" required maxLength={2048} placeholder="https://www.tiktok.com/@user/video/…" />
        <label for="queue-priority">{t.priorityLabel}</label>
        <input id="queue-priority" name="priority" type="number" required min={1} max={10} step={1} defaultValue="5" />
        <button type="submit" disabled={addStatus.kind === "busy"}>{t.addJobButton}</button>
        <StatusLine status={addStatus} id="queue-add-status" />
      </form>

      <h3 id="queue-stats-heading">{t.statsHeading}</h3>
      <dl class="studio-stats" aria-labelledby="queue-stats-heading" data-testid="queue-stats">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value ?? "–"}</dd>
          </div>
        ))}
      </dl>

      <h3 id="queue-jobs-heading">{t.jobsHeading}</h3>
      <div class="studio-toolbar">
        <label for="queue-filter">{t.filterLabel}</label>
        <select id="queue-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value as JobStatus | "")}>
          <option value="">{t.filterAll}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>{statusWord[s]}</option>
          ))}
        </select>
        <button type="button" onClick={() => void load()}>{t.refreshButton}</button>
      </div>
      <DataTable
        labelledBy="queue-jobs-heading"
        caption={{ text: t.jobsCaption, hidden: true }}
        columns={[t.colPriority, t.colStatus, t.colUrl, t.colAttempts, t.colCreated, t.colError]}
        rows={jobs}
        empty={t.noJobs}
        row={(job) => (
          <tr key={job.job_id} data-job-id={job.job_id}>
            <td>{job.priority}</td>
            <td>{statusWord[job.status]}</td>
            <td class="studio-url">{job.url}</td>
            <td>
              {job.attempts} / {job.max_retries + 1}
            </td>
            <td>{new Date(job.created_at).toLocaleString()}</td>
            <td>{job.error ?? ""}</td>
          </tr>
        )}
      />
      <StatusLine status={loadStatus} id="queue-load-status" />
    </section>
  );
}
