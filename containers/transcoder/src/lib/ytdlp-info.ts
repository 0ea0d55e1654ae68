/**
 * The part of yt-dlp's info JSON (`-J`) the transcoder reads. Objects are loose: the raw JSON of an
 * entry is written back for `--load-info-json`, so nothing may be lost, and yt-dlp adds fields freely.
 */
import { z } from "zod";
import type { PostMetadata } from "../../../../protocol/transcoder.ts";

const optionalNumber = z.number().nullish().transform((v) => v ?? undefined);
const optionalString = z.string().nullish().transform((v) => v ?? undefined);

export const ytDlpFormatSchema = z.looseObject({
  format_id: z.union([z.string(), z.number()]).transform(String),
  url: optionalString,
  ext: optionalString,
  protocol: optionalString,
  vcodec: optionalString,
  acodec: optionalString,
  width: optionalNumber,
  height: optionalNumber,
  tbr: optionalNumber,
  abr: optionalNumber,
  filesize: optionalNumber,
  filesize_approx: optionalNumber,
  format_note: optionalString,
  has_drm: z.boolean().nullish(),
});
export type YtDlpFormat = z.infer<typeof ytDlpFormatSchema>;

export const ytDlpVideoSchema = z.looseObject({
  _type: optionalString,
  id: z.union([z.string(), z.number()]).transform(String),
  title: optionalString,
  uploader: optionalString,
  uploader_id: optionalString,
  channel: optionalString,
  creator: optionalString,
  description: optionalString,
  timestamp: optionalNumber,
  view_count: optionalNumber,
  like_count: optionalNumber,
  comment_count: optionalNumber,
  repost_count: optionalNumber,
  track: optionalString,
  // Loose on purpose: one odd tag must not cost the entry.
  tags: z.array(z.unknown()).nullish().transform((v) => v?.filter((t): t is string => typeof t === "string") ?? undefined),
  duration: optionalNumber,
  webpage_url: optionalString,
  formats: z.array(ytDlpFormatSchema).nullish(),
  // Single-format results (e.g. the generic extractor's direct links) carry the format at top level.
  url: optionalString,
  ext: optionalString,
  format_id: z.union([z.string(), z.number()]).nullish().transform((v) => (v == null ? undefined : String(v))),
  protocol: optionalString,
  vcodec: optionalString,
  acodec: optionalString,
  width: optionalNumber,
  height: optionalNumber,
  filesize: optionalNumber,
  filesize_approx: optionalNumber,
  format_note: optionalString,
});
export type YtDlpVideo = z.infer<typeof ytDlpVideoSchema>;

/** One downloadable entry: the fields we read, and the raw object yt-dlp wrote, to give back to it. */
export type YtDlpEntry = { info: YtDlpVideo; raw: Record<string, unknown> };

export type YtDlpExtraction = {
  title: string | undefined;
  id: string | undefined;
  uploader: string | undefined;
  entries: YtDlpEntry[];
};

const playlistSchema = z.looseObject({
  _type: z.literal("playlist"),
  id: z.union([z.string(), z.number()]).nullish(),
  title: optionalString,
  uploader: optionalString,
  entries: z.array(z.unknown()).nullish(),
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Flattens `-J` output into entries. A playlist (carousel) gives its entries in order; nested
 * playlists and unparseable entries are skipped rather than failing the whole post.
 */
export const parseExtraction = (json: unknown): YtDlpExtraction | undefined => {
  const playlist = playlistSchema.safeParse(json);
  if (playlist.success) {
    const entries: YtDlpEntry[] = [];
    for (const raw of playlist.data.entries ?? []) {
      if (!isRecord(raw) || raw._type === "playlist") continue;
      const info = ytDlpVideoSchema.safeParse(raw);
      if (info.success) entries.push({ info: info.data, raw });
    }
    const id = playlist.data.id;
    return { title: playlist.data.title, id: id == null ? undefined : String(id), uploader: playlist.data.uploader, entries };
  }
  const video = ytDlpVideoSchema.safeParse(json);
  if (!video.success || !isRecord(json)) return undefined;
  return {
    title: video.data.title,
    id: video.data.id,
    uploader: video.data.uploader ?? video.data.channel ?? video.data.creator,
    entries: [{ info: video.data, raw: json }],
  };
};

/** The formats of an entry; a single-format entry is presented as a one-element list. */
export const formatsOf = (info: YtDlpVideo): YtDlpFormat[] => {
  if (info.formats && info.formats.length > 0) return info.formats;
  if (!info.url) return [];
  return [
    {
      format_id: info.format_id ?? "0",
      url: info.url,
      ext: info.ext,
      protocol: info.protocol,
      vcodec: info.vcodec,
      acodec: info.acodec,
      width: info.width,
      height: info.height,
      tbr: undefined,
      abr: undefined,
      filesize: info.filesize,
      filesize_approx: info.filesize_approx,
      format_note: info.format_note,
      has_drm: undefined,
    },
  ];
};

/** Hashtags written in a text (`#word`, any script), without `#`, first occurrence first. */
export const hashtagsIn = (text: string): string[] => [...new Set(Array.from(text.matchAll(/#([\p{L}\p{N}_]+)/gu), (m) => m[1]!))];

const count = (n: number | undefined): number | undefined => (n !== undefined && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : undefined);
const text = (s: string | undefined, max: number): string | undefined => (s?.trim() ? s.trim().slice(0, max) : undefined);

/**
 * The post's metadata from an entry's info JSON. Field names are yt-dlp's: its TikTok extractor gives
 * `uploader` (the handle), `channel` (the nickname; older releases such as 2023.03.04 call it `creator`), the counters,
 * `timestamp` and `track`; the generic extractor what a page's JSON-LD carries. Absent fields stay
 * undefined (and out of the JSON).
 */
export const metadataFromInfo = (info: YtDlpVideo): PostMetadata => {
  const description = text(info.description, 5000);
  const tags = (info.tags ?? []).map((t) => t.trim().replace(/^#/, "")).filter((t) => t !== "");
  const hashtags = (tags.length > 0 ? [...new Set(tags)] : hashtagsIn(description ?? "")).map((t) => t.slice(0, 200)).slice(0, 100);
  return {
    description,
    uploader: text(info.uploader, 200),
    uploaderName: text(info.channel ?? info.creator, 200),
    viewCount: count(info.view_count),
    likeCount: count(info.like_count),
    commentCount: count(info.comment_count),
    shareCount: count(info.repost_count),
    timestamp: info.timestamp !== undefined && Number.isFinite(info.timestamp) ? Math.trunc(info.timestamp) : undefined,
    tags: hashtags.length > 0 ? hashtags : undefined,
    track: text(info.track, 500),
    durationSeconds: info.duration !== undefined && info.duration >= 0 ? info.duration : undefined,
  };
};

/**
 * One line of `yt-dlp -j --flat-playlist`: an entry of a profile or hashtag, not extracted further.
 * TikTok's user extractor gives id, url, title and timestamp; the generic extractor's RSS entries have
 * no id, only the item's link.
 */
export const flatEntrySchema = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish().transform((v) => (v == null ? undefined : String(v))),
  url: optionalString,
  webpage_url: optionalString,
  title: optionalString,
  timestamp: optionalNumber,
  playlist_title: optionalString,
  playlist: optionalString,
});
export type FlatEntry = z.infer<typeof flatEntrySchema>;
