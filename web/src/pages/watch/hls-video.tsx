/**
 * A seed 002 video played over HLS. The master playlist answers 409 until the first segment of every rung
 * is stored and 200 from then on, while the ladder is still being encoded (an EVENT playlist that grows),
 * so a video still processing is checked every 2 s and starts playing as soon as the playlist answers;
 * hls.js (its own chunk, loaded by this page only) keeps reloading the growing playlists. Browsers with
 * MediaSource use hls.js; one without it (iOS Safari) plays the playlist natively.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type HlsType from "hls.js";
import { api } from "../../api/client";
import type { components } from "../../api/schema";
import { usePageText } from "../../i18n";
import { fill } from "../../i18n/fill";
import { TEXT } from "./text";

type VideoStatus = components["schemas"]["SocialMediaStatus"];
type Availability = { kind: "checking" } | { kind: "waiting"; status: VideoStatus } | { kind: "playable" } | { kind: "failed"; reason: string } | { kind: "gone" };

const HLS_MIME = "application/vnd.apple.mpegurl";
const RECHECK_MS = 2000;
/** Fatal network errors tolerated (each retried after RECHECK_MS) before the player gives up. */
const NETWORK_RETRIES = 3;

export interface HlsVideoProps {
  videoId: number;
  poster: string | undefined;
  /** Only the video on screen loads and plays; the others keep their poster. */
  active: boolean;
  title: string;
  /** Called on each `playing` event. */
  onPlaying?: () => void;
}

export function HlsVideo({ videoId, poster, active, title, onPlaying }: HlsVideoProps) {
  const t = usePageText(TEXT);
  const video = useRef<HTMLVideoElement>(null);
  const [availability, setAvailability] = useState<Availability>({ kind: "checking" });
  const [playerError, setPlayerError] = useState(false);

  // Until the master playlist answers: it is playable from the first segments on, not only when ready.
  useEffect(() => {
    if (!active || availability.kind === "playable") return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      try {
        const { response } = await api.GET("/api/v1/hls/playlist/{video_id}", { params: { path: { video_id: videoId } }, parseAs: "text" });
        if (!live) return;
        if (response.ok) return setAvailability({ kind: "playable" });
        if (response.status === 404) return setAvailability({ kind: "gone" });
        const { data } = await api.GET("/api/v1/video/status/{video_id}", { params: { path: { video_id: videoId } } });
        if (!live) return;
        if (data?.status === "error") return setAvailability({ kind: "failed", reason: data.error_message ?? "" });
        if (data?.status === "not_found" || !data) return setAvailability({ kind: "gone" });
        // "ready" here means the playlist appeared between the two requests: check again at once.
        setAvailability({ kind: "waiting", status: data.status });
        timer = setTimeout(check, data.status === "ready" ? 0 : RECHECK_MS);
      } catch {
        if (live) timer = setTimeout(check, RECHECK_MS);
      }
    };
    void check();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [active, videoId, availability.kind === "playable"]);

  useEffect(() => {
    const element = video.current;
    if (!active || availability.kind !== "playable" || !element) return;
    const url = new URL(`/api/v1/hls/playlist/${videoId}`, location.origin).href;
    let hls: HlsType | undefined;
    let cancelled = false;
    let retries = 0;
    setPlayerError(false);
    const play = () => void element.play().catch(() => undefined);
    void (async () => {
      if ("MediaSource" in window || "ManagedMediaSource" in window) {
        // The light build: no subtitles, alternate audio or DRM, none of which seed 002's ladders have.
        const { default: Hls } = await import("hls.js/light");
        if (cancelled) return;
        if (Hls.isSupported()) {
          const player = new Hls({ startPosition: 0 });
          hls = player;
          player.on(Hls.Events.MANIFEST_PARSED, play);
          player.on(Hls.Events.ERROR, (_event, data) => {
            if (!data.fatal) return;
            if (data.type === Hls.ErrorTypes.MEDIA_ERROR) return player.recoverMediaError();
            if (data.type === Hls.ErrorTypes.NETWORK_ERROR && retries++ < NETWORK_RETRIES) {
              setTimeout(() => !cancelled && player.startLoad(), RECHECK_MS);
              return;
            }
            setPlayerError(true);
            player.destroy();
          });
          player.loadSource(url);
          player.attachMedia(element);
          return;
        }
      }
      if (element.canPlayType(HLS_MIME)) {
        element.src = url;
        play();
      } else {
        setPlayerError(true);
      }
    })();
    return () => {
      cancelled = true;
      hls?.destroy();
      element.pause();
      element.removeAttribute("src");
      element.load();
    };
  }, [active, availability.kind, videoId]);

  const message =
    playerError
      ? t.playerError
      : availability.kind === "waiting"
        ? availability.status === "pending"
          ? t.waitingPending
          : t.waitingProcessing
        : availability.kind === "failed"
          ? fill(t.failedVideo, { reason: availability.reason })
          : availability.kind === "gone"
            ? t.goneVideo
            : "";
  return (
    <div class="hls-video">
      <video
        ref={video}
        data-video-id={videoId}
        poster={poster}
        controls
        muted
        playsInline
        preload="none"
        aria-label={fill(t.videoLabel, { title })}
        onPlaying={onPlaying}
      />
      <p class={`video-message${message ? "" : " video-message-empty"}`} role="status" aria-live="polite">
        {message}
      </p>
    </div>
  );
}
