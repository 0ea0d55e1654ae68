/**
 * Upload (seed 002): reels (one video each) or one story (photos and at most one video) from files dropped
 * or chosen, with titles and descriptions in English, Kazakh and Russian checked against the platform's
 * documented limits before anything is sent; one progress bar per file while the bytes stream, then the
 * video's processing status until it is ready, and a link to watch it.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { JSX } from "preact";
import { api, errorText } from "../../api/client";
import type { components } from "../../api/schema";
import { ProgressBar } from "../../components/progress-bar";
import { StatusLine, type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import { fill } from "../../i18n/fill";
import {
  loadLimits,
  REEL_FILE_FIELD,
  REEL_UPLOAD_PATH,
  STORY_FILE_FIELD,
  STORY_UPLOAD_PATH,
  TEXT_FIELD_NAMES,
  TEXT_FIELDS,
  type ReelCreated,
  type StoryCreated,
  type TextField,
  type UploadLimits,
} from "./form-schema";
import { sendForm, type SendResult } from "./send-form";
import { TEXT } from "./text";
import "./upload.css";

type Text = (typeof TEXT)["en"];
type Mode = "reel" | "story";
type Created = { kind: "reel"; id: number; videoId: number | null } | { kind: "story"; id: number; videoId: number | null };

interface Job {
  key: number;
  files: { name: string; size: number }[];
  /** Bytes of each file sent so far, as a percentage. */
  percent: number[];
  phase: "sending" | "sent" | "failed";
  error?: string;
  created?: Created;
}

const isVideo = (f: File) => f.type.startsWith("video/");
const isImage = (f: File) => f.type.startsWith("image/");

/** What is wrong with the form as it stands, in the reader's words; empty when it may be sent. */
function formProblems(t: Text, mode: Mode, files: File[], texts: Record<TextField, string>, limits: UploadLimits | undefined): string[] {
  const problems: string[] = [];
  if (files.length === 0) problems.push(t.needFiles);
  const notMedia = files.filter((f) => !isVideo(f) && !isImage(f));
  for (const f of notMedia) problems.push(fill(t.notMedia, { name: f.name }));
  if (mode === "reel") {
    const notVideo = files.filter((f) => !isVideo(f) && !notMedia.includes(f));
    if (notVideo.length > 0) problems.push(fill(t.reelNeedsVideos, { names: notVideo.map((f) => f.name).join(", ") }));
  } else {
    if (files.filter(isVideo).length > 1) problems.push(t.storyOneVideo);
    const max = limits?.maxStoryFiles;
    if (max !== undefined && files.length > max) problems.push(fill(t.storyTooMany, { max }));
  }
  const tooLong = TEXT_FIELD_NAMES.filter((field) => {
    const max = limits?.maxLength[field];
    return max !== undefined && [...texts[field]].length > max;
  });
  if (tooLong.length > 0) problems.push(fill(t.tooLong, { fields: tooLong.map((field) => fieldLabel(t, field)).join(", ") }));
  return problems;
}

function fieldLabel(t: Text, field: TextField): string {
  const { language, kind } = TEXT_FIELDS[field];
  const languageName = { en: t.langEn, kk: t.langKk, ru: t.langRu }[language];
  return fill(kind === "title" ? t.titleLabel : t.descriptionLabel, { language: languageName });
}

/** The platform's refusal of an upload in words a person understands. */
function refusalText(t: Text, networkError: string, result: SendResult): string {
  const { status, body } = result;
  if (status === 0) return networkError;
  if (status === 401) return t.errAuth;
  if (status === 413) return t.errTooLarge;
  if (status === 415) return t.errType;
  const detail = validationDetail(body) ?? errorText(body) ?? "";
  if (status === 422 || status === 400) return fill(t.errInvalid, { detail });
  if (status >= 500) return fill(t.errServer, { status });
  return fill(t.errOther, { status, detail });
}

/** FastAPI's 422 `{detail: [{loc, msg}]}` as "field: message; …". */
function validationDetail(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !Array.isArray((body as { detail?: unknown }).detail)) return undefined;
  return ((body as { detail: { loc?: unknown[]; msg?: string }[] }).detail)
    .map((d) => [d.loc?.slice(1).join("."), d.msg].filter(Boolean).join(": "))
    .join("; ");
}

/** Each file's share of the bytes sent: files go in order after the text fields, so bytes map onto them. */
function perFilePercent(sizes: number[], sent: number, total: number): number[] {
  const fileBytes = sizes.reduce((a, b) => a + b, 0);
  // The multipart framing is a small part of the body; spread it evenly so the last file ends at 100 %.
  const scaled = total > 0 ? (sent / total) * fileBytes : 0;
  let start = 0;
  return sizes.map((size) => {
    const done = size === 0 ? (scaled >= start ? 100 : 0) : Math.max(0, Math.min(100, ((scaled - start) / size) * 100));
    start += size;
    return done;
  });
}

const emptyTexts = () => Object.fromEntries(TEXT_FIELD_NAMES.map((f) => [f, ""])) as Record<TextField, string>;

export function UploadPage() {
  const t = usePageText(TEXT);
  const common = useText();
  const [mode, setMode] = useState<Mode>("reel");
  const [files, setFiles] = useState<File[]>([]);
  const [texts, setTexts] = useState(emptyTexts);
  const [limits, setLimits] = useState<UploadLimits>();
  const [formStatus, setFormStatus] = useState<Status>({ kind: "idle" });
  const [jobs, setJobs] = useState<Job[]>([]);
  const [dragging, setDragging] = useState(false);
  const live = useRef(true);
  const nextKey = useRef(1);

  useEffect(() => {
    live.current = true;
    loadLimits().then((l) => live.current && setLimits(l));
    return () => {
      // Uploads already sent keep going (leaving the page should not lose a large file); only this
      // page's state updates stop.
      live.current = false;
    };
  }, []);

  const addFiles = (list: FileList | null) => {
    if (!list) return;
    setFiles((before) => [...before, ...Array.from(list)]);
    setFormStatus({ kind: "idle" });
  };

  const updateJob = (key: number, change: (job: Job) => Job) => {
    if (live.current) setJobs((all) => all.map((j) => (j.key === key ? change(j) : j)));
  };

  const start = (path: string, form: FormData, sent: File[], created: (body: unknown) => Created) => {
    const key = nextKey.current++;
    const sizes = sent.map((f) => f.size);
    setJobs((all) => [{ key, files: sent.map((f) => ({ name: f.name, size: f.size })), percent: sizes.map(() => 0), phase: "sending" }, ...all]);
    const handle = sendForm(path, form, (bytes, total) => updateJob(key, (j) => ({ ...j, percent: perFilePercent(sizes, bytes, total) })));
    void handle.done.then((result) => {
      if (result.status === 200) updateJob(key, (j) => ({ ...j, phase: "sent", percent: sizes.map(() => 100), created: created(result.body) }));
      else updateJob(key, (j) => ({ ...j, phase: "failed", error: refusalText(t, common.networkError, result) }));
    });
  };

  const onSubmit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    // A submit before the limits arrived waits for them: nothing is sent unchecked.
    const problems = formProblems(t, mode, files, texts, limits ?? (await loadLimits()));
    if (problems.length > 0) {
      setFormStatus({ kind: "error", text: problems.join(" ") });
      return;
    }
    setFormStatus({ kind: "idle" });
    const withTexts = () => {
      const form = new FormData();
      // Text first: the files follow in order, which is what maps bytes sent onto each file's bar.
      for (const field of TEXT_FIELD_NAMES) if (texts[field].trim()) form.append(field, texts[field]);
      return form;
    };
    if (mode === "reel") {
      for (const file of files) {
        const form = withTexts();
        form.append(REEL_FILE_FIELD, file, file.name);
        start(REEL_UPLOAD_PATH, form, [file], (body) => {
          const reel = body as ReelCreated;
          return { kind: "reel", id: reel.id, videoId: reel.video_id };
        });
      }
    } else {
      const form = withTexts();
      for (const file of files) form.append(STORY_FILE_FIELD, file, file.name);
      start(STORY_UPLOAD_PATH, form, files, (body) => {
        const story = body as StoryCreated;
        return { kind: "story", id: story.id, videoId: story.video_id };
      });
    }
    setFiles([]);
  };

  const onDrop = (event: JSX.TargetedDragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    addFiles(event.dataTransfer?.files ?? null);
  };

  return (
    <>
      <h1>{t.heading}</h1>
      <p>{t.intro}</p>
      <form class="upload-form card" onSubmit={onSubmit} aria-labelledby="upload-form-heading" noValidate>
        <h2 id="upload-form-heading" class="visually-hidden">{t.heading}</h2>
        <fieldset class="upload-mode">
          <legend>{t.modeLegend}</legend>
          {(["reel", "story"] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} /> {m === "reel" ? t.modeReel : t.modeStory}
            </label>
          ))}
        </fieldset>

        <div
          class={`drop-zone${dragging ? " drop-zone-active" : ""}`}
          data-testid="drop-zone"
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <p aria-hidden="true">{t.dropZone}</p>
          <label for="upload-files" class="file-button">{t.chooseFiles}</label>
          <input
            id="upload-files"
            class="file-input"
            type="file"
            multiple
            accept="video/*,image/*"
            onChange={(e) => {
              addFiles(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
        </div>
        {files.length === 0 ? (
          <p class="file-list-empty">{t.noFiles}</p>
        ) : (
          <ul class="file-list" aria-label={t.chosenFiles}>
            {files.map((f, i) => (
              <li key={`${f.name}-${i}`}>
                <span class="file-name">{f.name}</span> <span class="file-size">{formatBytes(f.size)}</span>
                <button type="button" class="link-button" onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}>
                  {fill(t.removeFile, { name: f.name })}
                </button>
              </li>
            ))}
          </ul>
        )}

        <fieldset class="upload-texts">
          <legend>{t.textsLegend}</legend>
          {TEXT_FIELD_NAMES.map((field) => {
            const max = limits?.maxLength[field];
            const length = [...texts[field]].length;
            const over = max !== undefined && length > max;
            const id = `upload-${field}`;
            const props = {
              id,
              name: field,
              value: texts[field],
              "aria-invalid": over,
              "aria-describedby": `${id}-count`,
              lang: TEXT_FIELDS[field].language,
              onInput: (e: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => {
                const value = e.currentTarget.value;
                setTexts((all) => ({ ...all, [field]: value }));
              },
            };
            return (
              <div class="text-field" key={field}>
                <label for={id}>{fieldLabel(t, field)}</label>
                {TEXT_FIELDS[field].kind === "title" ? <input {...props} /> : <textarea rows={2} {...props} />}
                <span id={`${id}-count`} class={`counter${over ? " counter-over" : ""}`}>
                  {max === undefined ? "" : fill(t.counter, { n: length, max })}
                </span>
              </div>
            );
          })}
        </fieldset>

        <button type="submit">{t.submit}</button>
        <StatusLine status={formStatus} id="upload-form-status" />
      </form>

      <section aria-labelledby="uploads-heading" class="uploads">
        <h2 id="uploads-heading">{t.uploadsHeading}</h2>
        <ul class="upload-jobs">
          {jobs.map((job) => (
            <UploadJob key={job.key} job={job} />
          ))}
        </ul>
      </section>
    </>
  );
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}

function UploadJob({ job }: { job: Job }) {
  const t = usePageText(TEXT);
  return (
    <li class="upload-job card" data-testid="upload-job">
      {job.files.map((f, i) => (
        <ProgressBar key={i} label={fill(t.sending, { name: f.name })} value={job.percent[i]} detail={job.phase === "sending" ? formatBytes(f.size) : t.sent} />
      ))}
      {job.phase === "failed" && <StatusLine status={{ kind: "error", text: fill(t.failed, { reason: job.error ?? "" }) }} id={`upload-job-${job.key}-status`} />}
      {job.created && <ProcessingStatus created={job.created} id={`upload-job-${job.key}-status`} />}
    </li>
  );
}

type VideoState = Pick<components["schemas"]["VideoStatus"], "status" | "error_message">;

/** The created video's status, polled every 2 s until it settles (and never after the page is left). */
function ProcessingStatus({ created, id }: { created: Created; id: string }) {
  const t = usePageText(TEXT);
  const common = useText();
  const [state, setState] = useState<VideoState>();
  const [failed, setFailed] = useState(false);
  const videoId = created.videoId;
  useEffect(() => {
    if (videoId === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const poll = async () => {
      try {
        const { data } =
          created.kind === "reel"
            ? await api.GET("/api/v1/video/status/{video_id}", { params: { path: { video_id: videoId } } })
            : await api.GET("/api/v1/stories/status/{video_id}", { params: { path: { video_id: videoId } } });
        if (!live) return;
        setFailed(!data);
        if (data) setState(data);
        if (data && (data.status === "ready" || data.status === "error" || data.status === "not_found")) return;
      } catch {
        if (!live) return;
        setFailed(true);
      }
      timer = setTimeout(poll, 2000);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [videoId]);

  let text: string;
  if (videoId === null) text = t.statusPhotos;
  else if (failed) text = common.networkError;
  else if (!state) text = common.working;
  else
    text = {
      pending: t.statusPending,
      processing: t.statusProcessing,
      ready: t.statusReady,
      error: fill(t.statusError, { reason: state.error_message ?? "" }),
      not_found: t.statusNotFound,
    }[state.status];
  const bad = state?.status === "error" || state?.status === "not_found";
  const href = created.kind === "reel" ? `/app/watch?reel=${created.id}` : `/app/watch?story=${created.id}`;
  return (
    <div class="job-result">
      <p id={id} role="status" aria-live="polite" class={`job-status${bad ? " status-error" : ""}`} data-status={state?.status ?? ""}>
        {text}
      </p>
      {!bad && (
        <a href={href} class="watch-link">
          {fill(created.kind === "reel" ? t.watchReel : t.watchStory, { id: created.id })}
        </a>
      )}
    </div>
  );
}
