/**
 * Format choice, as a pure function of yt-dlp's format list. Choosing here (instead of in a `-f`
 * expression) keeps the rules testable, lets the guard see the chosen URLs, and lets the download run
 * from the already extracted JSON without fetching the page again.
 *
 * yt-dlp lists formats worst to best by its own extractor-aware sort; that order is the last tie-breaker.
 */
import type { YtDlpFormat, YtDlpVideo } from "./ytdlp-info.ts";
import { formatsOf } from "./ytdlp-info.ts";

export type VideoPlan = {
  /** The `-f` argument: one format id, or `video+audio`. */
  spec: string;
  video: YtDlpFormat;
  audio: YtDlpFormat | undefined;
  /** Set when every video format is taller than the cap: the output must be scaled down to it. */
  scaleToHeight: number | undefined;
};

export type AudioPlan = { spec: string; format: YtDlpFormat };

/** Protocols yt-dlp's own downloaders handle through our proxy; others (rtmp, mhtml, f4m) are skipped. */
const DOWNLOADABLE_PROTOCOLS = new Set(["http", "https", "m3u8", "m3u8_native", "http_dash_segments", "http_dash_segments_generator"]);
const AUDIO_EXTS = new Set(["m4a", "mp3", "aac", "opus", "ogg", "oga", "wav", "flac", "weba", "mka"]);

const isDownloadable = (f: YtDlpFormat): boolean =>
  !f.has_drm && f.ext !== "mhtml" && (f.protocol === undefined || DOWNLOADABLE_PROTOCOLS.has(f.protocol));

/** Unknown codecs (null) count as present: the generic extractor rarely knows them. */
const hasVideo = (f: YtDlpFormat): boolean => f.vcodec !== "none" && !(f.vcodec === undefined && AUDIO_EXTS.has(f.ext ?? ""));
const hasAudio = (f: YtDlpFormat): boolean => f.acodec !== "none";

export const isWatermarked = (f: YtDlpFormat): boolean => {
  const note = f.format_note ?? "";
  if (/\b(no|without|un)[ -_]?watermark/i.test(note)) return false;
  // Current yt-dlp marks TikTok's download_addr formats "watermarked" and ranks them low.
  return /watermark/i.test(note) || /^download(_addr)?([-_]|$)/i.test(f.format_id);
};

/** 2 = H.264 (plays everywhere), 1 = another codec mp4 can carry, 0 = needs re-encoding for mp4. */
const videoCodecTier = (f: YtDlpFormat): number => {
  const codec = (f.vcodec ?? "").toLowerCase();
  if (codec === "") return f.ext === "mp4" || f.ext === undefined ? 2 : f.ext === "webm" ? 1 : 0;
  if (/^(avc|h264)/.test(codec)) return 2;
  if (/^(hev|hvc|h265|av01|av1|vp09|vp9)/.test(codec)) return 1;
  return 0;
};

const audioCodecTier = (f: YtDlpFormat): number => {
  const codec = (f.acodec ?? "").toLowerCase();
  if (/^(mp4a|aac)/.test(codec) || (codec === "" && f.ext === "m4a")) return 2;
  if (/^(opus|mp3|ac-3|ec-3|flac|alac)/.test(codec)) return 1;
  return 0;
};

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
};

const best = <T>(items: T[], key: (item: T, rank: number) => number[]): T | undefined => {
  let winner: T | undefined;
  let winnerKey: number[] = [];
  items.forEach((item, rank) => {
    const k = key(item, rank);
    if (winner === undefined || compare(k, winnerKey) >= 0) {
      winner = item;
      winnerKey = k;
    }
  });
  return winner;
};

export type VideoChoice = { maxHeight: number | undefined; noWatermark: boolean };

export const planVideo = (info: YtDlpVideo, choice: VideoChoice): VideoPlan | undefined => {
  const formats = formatsOf(info).filter(isDownloadable);
  let videos = formats.filter(hasVideo);
  if (videos.length === 0) return undefined;
  if (choice.noWatermark) {
    const clean = videos.filter((f) => !isWatermarked(f));
    if (clean.length > 0) videos = clean;
  }
  const cap = choice.maxHeight;
  const fitting = cap === undefined ? videos : videos.filter((f) => f.height === undefined || f.height <= cap);
  let video: YtDlpFormat | undefined;
  let scaleToHeight: number | undefined;
  if (fitting.length > 0) {
    // Prefer H.264, then height; at equal height yt-dlp's own rank decides (it knows bitrates and fps).
    video = best(fitting, (f, rank) => [videoCodecTier(f), f.height ?? 0, rank]);
  } else {
    // Everything is taller than asked: take the smallest and scale it down rather than exceed the cap.
    video = best(videos, (f, rank) => [-(f.height ?? 0), videoCodecTier(f), rank]);
    scaleToHeight = cap;
  }
  if (!video) return undefined;
  let audio: YtDlpFormat | undefined;
  if (!hasAudio(video)) {
    const audios = formats.filter((f) => !hasVideo(f) && hasAudio(f));
    audio = best(audios, (f, rank) => [audioCodecTier(f), f.abr ?? f.tbr ?? 0, rank]);
  }
  return { spec: audio ? `${video.format_id}+${audio.format_id}` : video.format_id, video, audio, scaleToHeight };
};

export const planAudio = (info: YtDlpVideo): AudioPlan | undefined => {
  const formats = formatsOf(info).filter(isDownloadable).filter(hasAudio);
  const audioOnly = formats.filter((f) => !hasVideo(f));
  const format =
    best(audioOnly, (f, rank) => [f.abr ?? f.tbr ?? 0, audioCodecTier(f), rank]) ??
    // No separate audio: extract it from the smallest video that has sound.
    best(formats, (f, rank) => [-(f.height ?? 0), rank]);
  return format ? { spec: format.format_id, format } : undefined;
};

/** The largest size the chosen formats announce, for refusing before downloading. */
export const announcedBytes = (formats: Array<YtDlpFormat | undefined>): number | undefined => {
  let total = 0;
  for (const f of formats) {
    if (!f) continue;
    const size = f.filesize ?? f.filesize_approx;
    if (size === undefined) return undefined;
    total += size;
  }
  return total;
};
