/**
 * One job: live progress from its WebSocket (progress bar, counters, each video as its message lands),
 * then, once the job is final, the grid of its videos with their metadata and the zip download.
 */
import { useContext, useEffect, useState } from "preact/hooks";
import { runAction } from "../../api/action";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { ProgressBar } from "../../components/progress-bar";
import { StatusLine, type Status } from "../../components/status-line";
import { LanguageContext, usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { formatBytes, formatCount, formatDuration, problemText } from "./format";
import { useJobSocket, type LiveJob } from "./job-socket";
import { TEXT, type ArchiveText } from "./text";
import { VideoFrame } from "./video-frame";

type JobDetail = components["schemas"]["ArchiverJobDetail"];
type Video = components["schemas"]["ArchiverVideo"];
type VideoBrief = components["schemas"]["ArchiverVideoBrief"];

const jobStatusText = (t: ArchiveText, status: string) => t[`job_${status}` as keyof ArchiveText] ?? status;
export const videoStatusText = (t: ArchiveText, status: string) => t[`video_${status}` as keyof ArchiveText] ?? status;

/**
 * The zip needs the bearer token, which a plain link cannot send, and the API has no signed link for it:
 * fetched with the token, held as a Blob (memory-bound: the browser keeps the whole zip until it is
 * saved), then saved through a blob: URL that holds no secret.
 */
async function downloadZip(jobId: string): Promise<{ ok: true } | { ok: false; status: number; body: unknown }> {
  const { data, error, response } = await api.GET("/api/v1/jobs/{job_id}/archive.zip", { params: { path: { job_id: jobId } }, parseAs: "blob" });
  if (!data) return { ok: false, status: response.status, body: error };
  const name = /filename="?([^";]+)"?/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `archive-${jobId}.zip`;
  const href = URL.createObjectURL(data);
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has handed the blob to the download.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return { ok: true };
}

function VideoGrid({ detail, full }: { detail: JobDetail; full: Map<string, Video> }) {
  const t = usePageText(TEXT);
  const language = useContext(LanguageContext).language;
  const links = new Map(detail.drive_links.map((l) => [l.video_id, l.video_link]));
  if (detail.videos.length === 0) return <p>{t.noVideos}</p>;
  return (
    <ul class="archive-grid" aria-label={fill(t.detailHeading, { value: detail.job.value })}>
      {detail.videos.map((brief: VideoBrief) => {
        const video = full.get(brief.id);
        return (
          <li key={brief.id} class="archive-card" data-testid="archived-video">
            <VideoFrame link={links.get(brief.id)} placeholder={t.noPreview} />
            <p class="archive-desc">{video?.desc || t.noDescription}</p>
            <dl class="archive-meta">
              <dt>{t.authorLabel}</dt>
              <dd>{brief.author_username ? `@${brief.author_username}` : t.unknown}</dd>
              <dt>{t.viewsLabel}</dt>
              <dd>{formatCount(brief.views, language, t.unknown)}</dd>
              <dt>{t.likesLabel}</dt>
              <dd>{formatCount(brief.likes, language, t.unknown)}</dd>
              <dt>{t.durationLabel}</dt>
              <dd>{formatDuration(video?.duration, t.unknown)}</dd>
              <dt>{t.sizeLabel}</dt>
              <dd>{formatBytes(video?.file_size, language, t.unknown)}</dd>
              <dt>{t.statusLabel}</dt>
              <dd>{videoStatusText(t, brief.status)}</dd>
            </dl>
          </li>
        );
      })}
    </ul>
  );
}

/** The job's videos with their full records: one list call by the job's source, not one call per video. */
function useFinishedJob(jobId: string, final: boolean) {
  const t = usePageText(TEXT);
  const common = useText();
  const [detail, setDetail] = useState<JobDetail>();
  const [full, setFull] = useState(new Map<string, Video>());
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  useEffect(() => {
    if (!final) return;
    let live = true;
    void runAction(setStatus, common.networkError, async () => {
      const got = await api.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: jobId } } });
      if (!live) return;
      if (!got.data) return { kind: "error", text: problemText(t, common, got.response.status, got.error) };
      setDetail(got.data);
      const { mode, value } = got.data.job;
      // Videos are shared between jobs and keep the source of the job that archived them first: the rest
      // show the job's brief fields only.
      const list = await api.GET("/api/v1/videos", { params: { query: { mode, value, limit: 500 } } });
      if (live && list.data) setFull(new Map(list.data.videos.map((v) => [v.id, v])));
    }, { busy: false, live: () => live });
    return () => {
      live = false;
    };
  }, [jobId, final]);
  return { detail, full, status };
}

export function JobView({ jobId, value, token, onJobChange }: { jobId: string; value: string; token: string; onJobChange: (job: LiveJob) => void }) {
  const t = usePageText(TEXT);
  const common = useText();
  const language = useContext(LanguageContext).language;
  const watch = useJobSocket(jobId, token);
  const finished = useFinishedJob(jobId, watch.final);
  const [zipStatus, setZipStatus] = useState<Status>({ kind: "idle" });
  const job = watch.job;
  useEffect(() => {
    if (job) onJobChange(job);
  }, [job?.status, job?.progress]);

  const settled = job ? job.successful_downloads + job.failed_downloads : 0;
  const jobStatus: Status = watch.lost
    ? { kind: "error", text: t.connectionLost }
    : watch.final && job
      ? { kind: "ok", text: fill(t.jobDone, { status: jobStatusText(t, job.status) }) }
      : finished.status;

  const onZip = () =>
    runAction(setZipStatus, common.networkError, async () => {
      const result = await downloadZip(jobId);
      return result.ok ? { kind: "ok", text: t.zipDone } : { kind: "error", text: `${t.zipFailed}: ${problemText(t, common, result.status, result.body)}` };
    });

  return (
    <div class="archive-job" data-testid="job-view">
      <ProgressBar
        label={fill(t.progressLabel, { value })}
        value={job?.progress}
        detail={job ? fill(t.progressDetail, { done: settled, total: job.total_videos }) : t.waitingForFirst}
      />
      <dl class="archive-counters">
        <div>
          <dt>{t.counterTotal}</dt>
          <dd data-testid="counter-total">{formatCount(job?.total_videos ?? 0, language, "")}</dd>
        </div>
        <div>
          <dt>{t.counterOk}</dt>
          <dd data-testid="counter-ok">{formatCount(job?.successful_downloads ?? 0, language, "")}</dd>
        </div>
        <div>
          <dt>{t.counterFailed}</dt>
          <dd data-testid="counter-failed">{formatCount(job?.failed_downloads ?? 0, language, "")}</dd>
        </div>
      </dl>
      <StatusLine status={jobStatus} id="job-status" />
      {watch.videos.length > 0 && (
        <>
          <h3>{t.liveVideosHeading}</h3>
          <ul class="archive-live" aria-live="off">
            {watch.videos.map((v) => (
              <li key={v.id} data-testid="live-video">
                <span>{fill(t.liveVideo, { id: v.id })}</span> <span>{videoStatusText(t, v.status)}</span>
                {v.file_size != null && <span> · {formatBytes(v.file_size, language, "")}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {finished.detail && (
        <>
          <h3>{fill(t.detailHeading, { value })}</h3>
          <button type="button" onClick={onZip} disabled={zipStatus.kind === "busy"}>
            {t.downloadZip}
          </button>
          <StatusLine status={zipStatus} id="zip-status" />
          <VideoGrid detail={finished.detail} full={finished.full} />
        </>
      )}
    </div>
  );
}
