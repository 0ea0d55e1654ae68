/** The jobs, newest first, filtered by status; choosing one opens it (live when it still runs). */
import { useContext } from "preact/hooks";
import type { components } from "../../api/schema";
import { StatusLine, type Status } from "../../components/status-line";
import { LanguageContext, usePageText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { formatDate } from "./format";
import { TEXT, type ArchiveText } from "./text";

type Job = components["schemas"]["ArchiverJob"];
export type JobStatus = components["schemas"]["ArchiverJobStatus"];
const STATUSES: readonly JobStatus[] = ["pending", "running", "completed", "failed", "cancelled"];

const statusText = (t: ArchiveText, status: JobStatus) => t[`job_${status}`];

export function JobList(props: {
  jobs: Job[];
  filter: JobStatus | "";
  onFilter: (status: JobStatus | "") => void;
  onOpen: (job: Job) => void;
  selected: string | undefined;
  status: Status;
}) {
  const t = usePageText(TEXT);
  const language = useContext(LanguageContext).language;
  return (
    <section class="card" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">{t.jobsHeading}</h2>
      <label for="job-filter">{t.statusFilterLabel}</label>
      <select id="job-filter" value={props.filter} onChange={(e) => props.onFilter(e.currentTarget.value as JobStatus | "")}>
        <option value="">{t.allStatuses}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {statusText(t, s)}
          </option>
        ))}
      </select>
      <StatusLine status={props.status} id="jobs-status" />
      {props.jobs.length === 0 ? (
        <p>{t.noJobs}</p>
      ) : (
        <ul class="archive-jobs">
          {props.jobs.map((job) => (
            <li key={job.id}>
              <button
                type="button"
                class="archive-job-button"
                aria-current={job.id === props.selected ? "true" : undefined}
                onClick={() => props.onOpen(job)}
              >
                <span>{fill(t.jobSummary, { mode: job.mode === "hashtag" ? "#" : "@", value: job.value, created: formatDate(job.created_at, language, "") })}</span>
                <span>
                  {statusText(t, job.status)} · {job.progress}%
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
