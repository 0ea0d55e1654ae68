/**
 * Scheduled jobs: the list with each one's next run, a form that creates one or edits the one chosen,
 * toggle and delete. Each change updates the list from the API's answer (no re-listing: the document's
 * 10 requests a minute are the user's whole budget on this face).
 */
import { useContext, useEffect, useState } from "preact/hooks";
import { runAction, useFormAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { StatusLine, type Status } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { LanguageContext, usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { formatDate, problemText } from "./format";
import { TEXT } from "./text";

type Schedule = components["schemas"]["ArchiverSchedule"];
type ScheduleCreate = components["schemas"]["ArchiverScheduleCreate"];

function ScheduleForm({ editing, onSaved, onCancel }: { editing: Schedule | undefined; onSaved: (s: Schedule, created: boolean) => void; onCancel: () => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const { status, setStatus, onSubmit } = useFormAction(async (form) => {
    const body: ScheduleCreate = {
      name: formField(form, "name").value.trim(),
      mode: formField(form, "mode").value === "hashtag" ? "hashtag" : "profile",
      value: formField(form, "value").value.trim(),
      limit: Number(formField(form, "limit").value),
      no_watermark: true,
      interval_minutes: Number(formField(form, "interval").value),
      enabled: formField(form, "enabled").checked,
    };
    const result = editing
      ? await api.PATCH("/api/v1/scheduled-jobs/{job_id}", { params: { path: { job_id: editing.id } }, body })
      : await api.POST("/api/v1/scheduled-jobs", { body });
    if (!result.data) return { kind: "error", text: problemText(t, common, result.response.status, result.error) };
    // The list's status line announces the change: a saved edit unmounts this form.
    setStatus({ kind: "idle" });
    if (!editing) form.reset();
    onSaved(result.data, !editing);
  });
  const heading = editing ? fill(t.scheduleEditHeading, { name: editing.name }) : t.scheduleFormHeading;
  return (
    <form class="archive-form archive-schedule-form" onSubmit={onSubmit} aria-labelledby="schedule-form-heading" aria-describedby="schedule-form-status">
      <h3 id="schedule-form-heading">{heading}</h3>
      <label for="schedule-name">{t.nameLabel}</label>
      <input id="schedule-name" name="name" required maxLength={200} defaultValue={editing?.name ?? ""} />
      <label for="schedule-mode">{t.modeLabel}</label>
      <select id="schedule-mode" name="mode">
        <option value="profile">{t.modeProfile}</option>
        <option value="hashtag" selected={editing?.mode === "hashtag"}>
          {t.modeHashtag}
        </option>
      </select>
      <label for="schedule-value">{t.valueLabel}</label>
      <input id="schedule-value" name="value" required maxLength={100} autocomplete="off" spellcheck={false} defaultValue={editing?.value ?? ""} />
      <label for="schedule-limit">{t.limitLabel}</label>
      <input id="schedule-limit" name="limit" type="number" required min={1} max={200} defaultValue={String(editing?.limit ?? 50)} />
      <label for="schedule-interval">{t.intervalLabel}</label>
      <input id="schedule-interval" name="interval" type="number" required min={5} max={525600} defaultValue={String(editing?.interval_minutes ?? 1440)} />
      <label class="archive-check">
        <input name="enabled" type="checkbox" defaultChecked={editing?.enabled ?? true} />
        {t.enabledLabel}
      </label>
      <div class="archive-actions">
        <button type="submit" disabled={status.kind === "busy"}>
          {editing ? t.saveSchedule : t.addSchedule}
        </button>
        {editing && (
          <button type="button" class="archive-secondary" onClick={onCancel}>
            {t.cancelEdit}
          </button>
        )}
      </div>
      <StatusLine status={status} id="schedule-form-status" />
    </form>
  );
}

export function Schedules() {
  const t = usePageText(TEXT);
  const common = useText();
  const language = useContext(LanguageContext).language;
  const [schedules, setSchedules] = useState<Schedule[]>([]);
  const [editing, setEditing] = useState<Schedule>();
  const [status, setStatus] = useState<Status>({ kind: "busy" });
  const refused = (httpStatus: number, body: unknown): Status => ({ kind: "error", text: problemText(t, common, httpStatus, body) });
  useEffect(() => {
    let live = true;
    void runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.GET("/api/v1/scheduled-jobs");
      if (!live) return;
      if (!data) return refused(response.status, error);
      setSchedules(data);
      return { kind: "idle" };
    }, { busy: false, live: () => live });
    return () => {
      live = false;
    };
  }, []);

  const replace = (s: Schedule) => setSchedules((list) => list.map((x) => (x.id === s.id ? s : x)));
  const onToggle = (s: Schedule) =>
    runAction(setStatus, common.networkError, async () => {
      const { data, error, response } = await api.POST("/api/v1/scheduled-jobs/{job_id}/toggle", { params: { path: { job_id: s.id } } });
      if (!data) return refused(response.status, error);
      replace(data);
      return { kind: "ok", text: fill(data.enabled ? t.scheduleOn : t.scheduleOff, { name: data.name }) };
    });
  const onDelete = (s: Schedule) =>
    runAction(setStatus, common.networkError, async () => {
      const { error, response } = await api.DELETE("/api/v1/scheduled-jobs/{job_id}", { params: { path: { job_id: s.id } } });
      if (!response.ok) return refused(response.status, error);
      setSchedules((list) => list.filter((x) => x.id !== s.id));
      if (editing?.id === s.id) setEditing(undefined);
      return { kind: "ok", text: fill(t.scheduleDeleted, { name: s.name }) };
    });

  return (
    <section class="card" aria-labelledby="schedules-heading">
      <h2 id="schedules-heading">{t.schedulesHeading}</h2>
      <StatusLine status={status} id="schedules-status" />
      {schedules.length === 0 ? (
        <p>{t.noSchedules}</p>
      ) : (
        <ul class="archive-schedules">
          {schedules.map((s) => (
            <li key={s.id} data-testid="schedule">
              <p class="archive-schedule-name">
                <strong>{s.name}</strong> <span>({s.enabled ? t.stateOn : t.stateOff})</span>
              </p>
              <p>
                {s.mode === "hashtag" ? "#" : "@"}
                {s.value}, {fill(t.every, { minutes: s.interval_minutes })}
              </p>
              <dl class="archive-meta">
                <dt>{t.nextRun}</dt>
                <dd data-testid="next-run">{formatDate(s.next_run_at, language, t.never)}</dd>
                <dt>{t.lastRun}</dt>
                <dd>{formatDate(s.last_run_at, language, t.never)}</dd>
                <dt>{t.runsLabel}</dt>
                <dd>
                  {s.successful_runs} / {s.failed_runs}
                </dd>
              </dl>
              <div class="archive-actions">
                <button type="button" aria-label={fill(t.editSchedule, { name: s.name })} onClick={() => setEditing(s)}>
                  {fill(t.editSchedule, { name: "" }).trim()}
                </button>
                <button type="button" aria-label={fill(s.enabled ? t.disableSchedule : t.enableSchedule, { name: s.name })} onClick={() => onToggle(s)}>
                  {fill(s.enabled ? t.disableSchedule : t.enableSchedule, { name: "" }).trim()}
                </button>
                <button type="button" class="archive-danger" aria-label={fill(t.deleteSchedule, { name: s.name })} onClick={() => onDelete(s)}>
                  {fill(t.deleteSchedule, { name: "" }).trim()}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {/* Keyed by the schedule: choosing another one starts the inputs from its values. */}
      <ScheduleForm
        key={editing?.id ?? "new"}
        editing={editing}
        onCancel={() => setEditing(undefined)}
        onSaved={(s, created) => {
          setStatus({ kind: "ok", text: fill(created ? t.scheduleCreated : t.scheduleSaved, { name: s.name }) });
          if (created) setSchedules((list) => [...list, s]);
          else {
            replace(s);
            setEditing(undefined);
          }
        }}
      />
    </section>
  );
}
