/**
 * Save & convert: paste a TikTok, YouTube or Instagram link, pick the format, follow the platform's progress
 * events (a WebSocket channel opened before the request, not polling), then download the file. TikTok goes
 * through seed 000's public POST /download; YouTube and Instagram through seed 001's convert routes, which
 * need a signed-in account.
 */
import { useRef, useState } from "preact/hooks";
import type { JSX } from "preact";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { useSessionToken } from "../../api/session";
import { ProgressBar } from "../../components/progress-bar";
import { SignInNotice } from "../../components/sign-in-notice";
import { StatusLine, type Status } from "../../components/status-line";
import { usePageText, useText } from "../../i18n";
import { detectService, type Detected, type Service } from "./detect";
import { failureOf, failureText, type Failure } from "./failures";
import { openProgressChannel, type TaskEvent } from "./progress-socket";
import { TEXT, type SaveText } from "./text";
import "./save.css";

type YoutubeFormat = components["schemas"]["YoutubeConvertRequest"]["format"];
type Resolution = NonNullable<components["schemas"]["YoutubeConvertRequest"]["resolution"]>;
type InstagramType = components["schemas"]["InstagramConvertRequest"]["type"];

const FORMATS: readonly YoutubeFormat[] = ["mp4", "mp3"];
const RESOLUTIONS: readonly Resolution[] = ["144p", "480p", "720p", "1080p"];
const INSTAGRAM_TYPES: readonly InstagramType[] = ["video", "image"];

/** A file to hand over: a public stream URL (seed 000), or a converted file read with the user's token (seed 001). */
type Download = { kind: "link"; name: string; href: string } | { kind: "converted"; service: "youtube" | "instagram"; filename: string };

type Phase =
  | { kind: "idle" }
  | { kind: "working"; event: TaskEvent | undefined }
  | { kind: "done"; downloads: Download[] }
  /** The words are looked up when drawn, so a language switch translates a message already shown. */
  | { kind: "error"; reason: Failure };

/** The answer of a face, reduced to what the page needs: files, or the HTTP status of the failure. */
type Answer = { ok: true; downloads: Download[] } | { ok: false; status: number };

const needsAccount = (service: Service) => service !== "tiktok";

function stageText(t: SaveText, event: TaskEvent | undefined): string {
  if (!event) return t.stageWaiting;
  if (event.status === "succeeded") return t.stageDone;
  switch (event.stage) {
    case "resolve":
      return t.stageResolve;
    case "download":
      return t.stageDownload;
    case "convert":
      return t.stageConvert;
    case "upload":
      return t.stageUpload;
  }
  return event.status === "queued" ? t.stageQueued : t.stageDownload;
}

function detectedText(t: SaveText, detected: Detected): string {
  if (detected.kind !== "service") return "";
  return { tiktok: t.detectedTiktok, youtube: t.detectedYoutube, instagram: t.detectedInstagram }[detected.service];
}

async function send(
  detected: Extract<Detected, { kind: "service" }>,
  options: { format: YoutubeFormat; resolution: Resolution; igType: InstagramType },
  channel: string | undefined,
): Promise<Answer> {
  const params = { header: channel ? { "x-progress-channel": channel } : {} };
  const url = detected.url;
  if (detected.service === "tiktok") {
    const { data, response } = await api.POST("/download", { body: { url }, params });
    if (!data) return { ok: false, status: response.status };
    return { ok: true, downloads: data.files.map((f) => ({ kind: "link", name: f.name, href: f.url })) };
  }
  const { data, response } =
    detected.service === "youtube"
      ? await api.POST("/api/youtube/convert", {
          body: { url, format: options.format, ...(options.format === "mp4" ? { resolution: options.resolution } : {}) },
          params,
        })
      : await api.POST("/api/instagram/convert", { body: { url, type: options.igType }, params });
  if (!data) return { ok: false, status: response.status };
  return { ok: true, downloads: [{ kind: "converted", service: detected.service, filename: data.filename }] };
}

/** A converted file needs the bearer token, so it is fetched here and handed to the browser as a blob. */
type DownloadFailure = "downloadFailed" | "networkError";

function ConvertedDownload({ file, onError }: { file: Extract<Download, { kind: "converted" }>; onError: (reason: DownloadFailure) => void }) {
  const t = usePageText(TEXT);
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    try {
      const path = file.service === "youtube" ? "/api/youtube/download" : "/api/instagram/download";
      const { data } = await api.POST(path, { body: { filename: file.filename }, parseAs: "blob" });
      if (!(data instanceof Blob)) {
        onError("downloadFailed");
        return;
      }
      const href = URL.createObjectURL(data);
      const link = document.createElement("a");
      link.href = href;
      link.download = file.filename;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has taken the blob once the click is handled; the URL is not needed after that.
      setTimeout(() => URL.revokeObjectURL(href), 60_000);
    } catch {
      onError("networkError");
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class="save-download" onClick={onClick} disabled={busy}>
      {t.downloadButton} <span class="save-filename">{file.filename}</span>
    </button>
  );
}

export function SavePage() {
  const t = usePageText(TEXT);
  const common = useText();
  const token = useSessionToken();
  const [input, setInput] = useState("");
  const [format, setFormat] = useState<YoutubeFormat>("mp4");
  const [resolution, setResolution] = useState<Resolution>("720p");
  const [igType, setIgType] = useState<InstagramType>("video");
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [downloadError, setDownloadError] = useState<DownloadFailure>();
  /** A newer submission makes an older one's late events and answer irrelevant. */
  const attempt = useRef(0);

  const detected = detectService(input);
  const blockedBySignIn = detected.kind === "service" && needsAccount(detected.service) && !token;
  const working = phase.kind === "working";

  const onSubmit = async (event: JSX.TargetedSubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDownloadError(undefined);
    if (detected.kind === "empty" || detected.kind === "invalid") return setPhase({ kind: "error", reason: "errorInvalidUrl" });
    if (detected.kind === "unsupported") return setPhase({ kind: "error", reason: "errorUnsupportedSite" });
    if (blockedBySignIn) return setPhase({ kind: "error", reason: "errorSignIn" });

    const mine = ++attempt.current;
    let last: TaskEvent | undefined;
    setPhase({ kind: "working", event: undefined });
    const channel = await openProgressChannel((e) => {
      if (attempt.current !== mine) return;
      last = e;
      setPhase((p) => (p.kind === "working" ? { kind: "working", event: e } : p));
    });
    try {
      const answer = await send(detected, { format, resolution, igType }, channel.id);
      if (attempt.current !== mine) return;
      if (answer.ok) setPhase({ kind: "done", downloads: answer.downloads });
      else setPhase({ kind: "error", reason: failureOf(answer.status, last?.error?.code) });
    } catch {
      if (attempt.current === mine) setPhase({ kind: "error", reason: "networkError" });
    } finally {
      channel.close();
    }
  };

  const status: Status =
    phase.kind === "error"
      ? { kind: "error", text: failureText(t, common, phase.reason) }
      : downloadError
        ? { kind: "error", text: downloadError === "networkError" ? common.networkError : t.downloadFailed }
        : phase.kind === "done"
          ? { kind: "ok", text: t.ready }
          : phase.kind === "working"
            ? { kind: "busy" }
            : { kind: "idle" };

  const event = phase.kind === "working" ? phase.event : undefined;
  return (
    <>
      <h1>{common.navSave}</h1>
      <p>{t.intro}</p>
      <form class="card save-form" onSubmit={onSubmit} aria-describedby="save-status" noValidate>
        <label for="save-url">{t.urlLabel}</label>
        <input
          id="save-url"
          name="url"
          type="text"
          inputMode="url"
          autocomplete="off"
          spellcheck={false}
          maxLength={2048}
          value={input}
          onInput={(e) => setInput(e.currentTarget.value)}
          aria-describedby="save-url-hint save-url-service"
        />
        <p id="save-url-hint" class="save-hint">{t.urlHint}</p>
        <p id="save-url-service" class="save-service" data-testid="detected-service">{detectedText(t, detected)}</p>

        <div class="save-options">
          {detected.kind === "service" && detected.service === "youtube" && (
            <fieldset>
              <legend>{t.optionsLegend}</legend>
              <label for="save-format">{t.formatLabel}</label>
              <select id="save-format" value={format} onChange={(e) => setFormat(e.currentTarget.value as YoutubeFormat)}>
                {FORMATS.map((f) => (
                  <option value={f} key={f}>{f === "mp4" ? t.formatMp4 : t.formatMp3}</option>
                ))}
              </select>
              {format === "mp4" && (
                <>
                  <label for="save-resolution">{t.resolutionLabel}</label>
                  <select id="save-resolution" value={resolution} onChange={(e) => setResolution(e.currentTarget.value as Resolution)}>
                    {RESOLUTIONS.map((r) => (
                      <option value={r} key={r}>{r}</option>
                    ))}
                  </select>
                </>
              )}
            </fieldset>
          )}
          {detected.kind === "service" && detected.service === "instagram" && (
            <fieldset>
              <legend>{t.optionsLegend}</legend>
              <label for="save-type">{t.typeLabel}</label>
              <select id="save-type" value={igType} onChange={(e) => setIgType(e.currentTarget.value as InstagramType)}>
                {INSTAGRAM_TYPES.map((v) => (
                  <option value={v} key={v}>{v === "video" ? t.typeVideo : t.typeImage}</option>
                ))}
              </select>
            </fieldset>
          )}
          {blockedBySignIn && <SignInNotice />}
        </div>

        <button type="submit" disabled={working || blockedBySignIn}>{t.submit}</button>
      </form>

      <section class="card save-result" aria-label={t.progressLabel}>
        {/* Kept in the layout while hidden (not removed) so starting a save moves nothing. */}
        <div
          class={phase.kind === "working" || phase.kind === "done" ? "save-progress" : "save-progress save-progress-idle"}
          data-testid="save-progress"
          data-stage={event?.stage ?? event?.status ?? ""}
          data-percent={event ? String(event.progress) : ""}
        >
          <ProgressBar
            label={t.progressLabel}
            value={phase.kind === "done" ? 100 : event?.progress}
            detail={phase.kind === "done" ? t.stageDone : stageText(t, event)}
          />
        </div>
        <StatusLine status={status} id="save-status" />
        <div class="save-downloads">
          {phase.kind === "done" && (
            <>
              <h2>{t.doneHeading}</h2>
              <ul>
                {phase.downloads.map((d) => (
                  <li key={d.kind === "link" ? d.href : d.filename}>
                    {d.kind === "link" ? (
                      <a class="save-download" href={d.href} download={d.name}>
                        {t.downloadButton} <span class="save-filename">{d.name}</span>
                      </a>
                    ) : (
                      <ConvertedDownload file={d} onError={setDownloadError} />
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </section>
    </>
  );
}
