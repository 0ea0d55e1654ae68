/**
 * The form that starts a job. A leading @ or # is left for the API to refuse: its 422 names the rule, and
 * the page shows that explanation rather than a second wording of it.
 */
import { useFormAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { StatusLine } from "../../components/status-line";
import { formField } from "../../components/form-field";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { problemText } from "./format";
import { TEXT } from "./text";

type Job = components["schemas"]["ArchiverJob"];
type JobCreate = components["schemas"]["ArchiverJobCreate"];

/** A date input's day as the API's date-time: the whole day, in UTC. */
const dayStart = (day: string) => (day ? `${day}T00:00:00Z` : undefined);
const dayEnd = (day: string) => (day ? `${day}T23:59:59Z` : undefined);

export function CreateJobForm({ onCreated }: { onCreated: (job: Job) => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const { status, setStatus, onSubmit } = useFormAction(async (form) => {
    const body: JobCreate = {
      mode: formField(form, "mode").value === "hashtag" ? "hashtag" : "profile",
      value: formField(form, "value").value.trim(),
      limit: Number(formField(form, "limit").value),
      no_watermark: formField(form, "no_watermark").checked,
      since: dayStart(formField(form, "since").value),
      until: dayEnd(formField(form, "until").value),
    };
    const { data, error, response } = await api.POST("/api/v1/jobs", { body });
    if (!data) return { kind: "error", text: `${t.refused}. ${problemText(t, common, response.status, error)}` };
    setStatus({ kind: "ok", text: fill(t.created, { value: data.value }) });
    onCreated(data);
  });
  return (
    <form class="card archive-form" onSubmit={onSubmit} aria-labelledby="create-job-heading" aria-describedby="create-job-status">
      <h2 id="create-job-heading">{t.createHeading}</h2>
      <label for="job-mode">{t.modeLabel}</label>
      <select id="job-mode" name="mode">
        <option value="profile">{t.modeProfile}</option>
        <option value="hashtag">{t.modeHashtag}</option>
      </select>
      <label for="job-value">{t.valueLabel}</label>
      <input id="job-value" name="value" required maxLength={100} autocomplete="off" spellcheck={false} />
      <label for="job-limit">{t.limitLabel}</label>
      <input id="job-limit" name="limit" type="number" required min={1} max={200} step={1} defaultValue="50" />
      <label class="archive-check">
        <input name="no_watermark" type="checkbox" defaultChecked />
        {t.noWatermarkLabel}
      </label>
      <div class="archive-dates">
        <div>
          <label for="job-since">{t.sinceLabel}</label>
          <input id="job-since" name="since" type="date" />
        </div>
        <div>
          <label for="job-until">{t.untilLabel}</label>
          <input id="job-until" name="until" type="date" />
        </div>
      </div>
      <button type="submit" disabled={status.kind === "busy"}>
        {t.createButton}
      </button>
      <StatusLine status={status} id="create-job-status" />
    </form>
  );
}
