/**
 * Archive (seed 004): start a profile or hashtag job and watch it over its WebSocket (progress, counters,
 * each video as it lands), the jobs by status, a job's videos with metadata and its zip, and scheduled
 * jobs. Every call carries the signed-in user's JWT (a header for REST, a subprotocol for the socket),
 * so the page can do exactly what the user's credential can.
 */
import { useEffect, useState } from "preact/hooks";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { useSessionToken } from "../../api/session";
import { SignInNotice } from "../../components/sign-in-notice";
import { type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import "./archive.css";
import { CreateJobForm } from "./create-job";
import { problemText } from "./format";
import { JobList, type JobStatus } from "./job-list";
import type { LiveJob } from "./job-socket";
import { JobView } from "./job-view";
import { Schedules } from "./schedules";
import { TEXT } from "./text";

type Job = components["schemas"]["ArchiverJob"];

function ArchiveWorkspace({ token }: { token: string }) {
  const t = usePageText(TEXT);
  const common = useText();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [filter, setFilter] = useState<JobStatus | "">("");
  const [listStatus, setListStatus] = useState<Status>({ kind: "busy" });
  const [selected, setSelected] = useState<Job>();

  useEffect(() => {
    let live = true;
    void runAction(setListStatus, common.networkError, async () => {
      const { data, error, response } = await api.GET("/api/v1/jobs", { params: { query: { status: filter || undefined, limit: 50 } } });
      if (!live) return;
      if (!data) return { kind: "error", text: problemText(t, common, response.status, error) };
      setJobs(data);
      return { kind: "idle" };
    }, { live: () => live });
    return () => {
      live = false;
    };
  }, [filter]);

  // The socket's messages keep the list's row of the open job current without listing again.
  const onJobChange = (change: LiveJob) => setJobs((list) => list.map((j) => (j.id === change.id ? { ...j, ...change } : j)));
  const onCreated = (job: Job) => {
    if (!filter || filter === job.status) setJobs((list) => [job, ...list]);
    setSelected(job);
  };

  return (
    <>
      <div class="archive-columns">
        <CreateJobForm onCreated={onCreated} />
        <JobList jobs={jobs} filter={filter} onFilter={setFilter} onOpen={setSelected} selected={selected?.id} status={listStatus} />
      </div>
      {selected && (
        <section class="card" aria-labelledby="live-heading">
          <h2 id="live-heading">{t.liveHeading}</h2>
          <JobView key={selected.id} jobId={selected.id} value={selected.value} token={token} onJobChange={onJobChange} />
        </section>
      )}
      <Schedules />
    </>
  );
}

export function ArchivePage() {
  const t = usePageText(TEXT);
  const token = useSessionToken();
  return (
    <>
      <h1>{t.heading}</h1>
      {token ? <ArchiveWorkspace key={token} token={token} /> : <SignInNotice />}
    </>
  );
}
