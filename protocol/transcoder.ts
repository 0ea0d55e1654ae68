/**
 * The wire protocol between the Worker and the transcoder (Container in production, a Node process
 * locally). This is the only module both sides import: it holds request and message shapes, the
 * table of operations and the version rule, nothing with side effects. Keep it free of imports other
 * than zod so the transcoder image can copy it alone.
 *
 * Flow of one operation (every row of TRANSCODER_OPERATIONS):
 *   Worker ──POST /v1/<op> (JSON request, X-Protocol-Version)──▶ transcoder
 *   transcoder ──NDJSON lines (progress | output | done | error)──▶ Worker   (one response stream)
 *   transcoder ──PUT <output.uploadUrl>/<name>──▶ Worker (signed URL, streams into R2)
 * The transcoder never sees the database; it only reads signed or allowed URLs and writes to signed URLs.
 */
import { z } from "zod";
import { editScriptSchema } from "./edit-script.ts";
import { ANALYZE_MAX_FRAMES, analyzeResultSchema } from "./media-analysis.ts";

/**
 * `MAJOR.MINOR`. The minor part grows with additive changes (a new operation, a new optional field) that
 * either side may ignore; a change the other side would misread bumps the major part, and the transcoder
 * refuses a request whose major part differs from its own (`protocol.mismatch`), so a new Worker never
 * talks to an old container image unnoticed, nor the other way round.
 * 1.3: the studio's analyze, edit and compress operations and the `input.target_too_small` code.
 * 1.4: output uploads declare the file's CRC-32 in CONTENT_CRC32_HEADER.
 */
export const PROTOCOL_VERSION = "1.4";
/** Sent by the Worker on every operation request and by the transcoder on every response. */
export const PROTOCOL_VERSION_HEADER = "X-Protocol-Version";

/**
 * On the transcoder's output uploads (the signed blob PUT): the file's CRC-32 as 8 hex digits, computed
 * before the upload starts. The Worker checks the bytes it stored against it and keeps it with the object,
 * so a ZIP of stored files never has to read them to checksum them.
 */
export const CONTENT_CRC32_HEADER = "X-Content-CRC32";

/** The major part of a `MAJOR.MINOR` version, or undefined when the text is not one. */
export const protocolMajor = (version: string | null | undefined): number | undefined => {
  const match = /^(\d{1,6})\.\d{1,6}$/.exec(version?.trim() ?? "");
  return match ? Number(match[1]) : undefined;
};

export const mediaServiceSchema = z.enum(["tiktok", "youtube", "instagram"]);
export type MediaService = z.infer<typeof mediaServiceSchema>;

/** What the caller wants out of a post. `any` keeps every item of the post as it is (the saver). */
export const fetchSelectionSchema = z.object({
  kind: z.enum(["video", "audio", "image", "any"]),
  /** Upper bound on the video height (YouTube 144p..1080p). Never upscales. */
  maxHeight: z.number().int().min(144).max(4320).optional(),
  /** With kind "audio": extract to this format. */
  audioFormat: z.enum(["mp3"]).optional(),
  /** Prefer a watermark-free format where the extractor offers one (TikTok). */
  noWatermark: z.boolean().default(true),
  /** Carousels and photo posts: at most this many items. */
  maxItems: z.number().int().min(1).max(100).default(20),
  /** When the post has several items: also bundle them into one zip output (`bundle.zip`). */
  bundle: z.enum(["none", "zip"]).default("none"),
});
export type FetchSelection = z.infer<typeof fetchSelectionSchema>;

/** Where outputs go: `PUT ${uploadUrl}/${encodeURIComponent(name)}` with Content-Length and Content-Type. */
export const outputTargetSchema = z.object({
  uploadUrl: z.string().url(),
  /** Per-output size cap; larger outputs fail the operation with `source.too_large`. */
  maxBytes: z.number().int().positive(),
});
export type OutputTarget = z.infer<typeof outputTargetSchema>;

export const fetchRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  /** The page or media URL. Already checked by the Worker; the transcoder checks it again. */
  url: z.string().url(),
  service: mediaServiceSchema,
  select: fetchSelectionSchema,
  output: outputTargetSchema,
});
export type FetchRequest = z.infer<typeof fetchRequestSchema>;

export const probeRequestSchema = z.object({
  /** A signed URL to an R2 object (served by the Worker). */
  url: z.string().url(),
});
export type ProbeRequest = z.infer<typeof probeRequestSchema>;

export const outputKindSchema = z.enum(["video", "audio", "image", "archive", "playlist"]);
export type OutputKind = z.infer<typeof outputKindSchema>;

/** Output names are chosen by the transcoder and must stay inside this alphabet (they become R2 key parts). */
export const OUTPUT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export const outputFileSchema = z.object({
  name: z.string().regex(OUTPUT_NAME_PATTERN),
  kind: outputKindSchema,
  contentType: z.string().min(1).max(100),
  size: z.number().int().nonnegative(),
  /** Position in the post (0-based); archives use -1. */
  index: z.number().int().min(-1),
  durationSeconds: z.number().nonnegative().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  /** HLS: the ladder rung a segment or media playlist belongs to (e.g. `720p`). */
  rendition: z.string().regex(/^[0-9]{2,4}p$/).optional(),
});
export type OutputFile = z.infer<typeof outputFileSchema>;

/**
 * What the source says about a post, as far as its extractor reports it (each field is left out when it
 * does not): TikTok's own extractor fills nearly all of it; a page read by the generic extractor only
 * what its structured data gives.
 */
export const postMetadataSchema = z.object({
  description: z.string().max(5000).optional(),
  /** The author's handle (TikTok's unique id, `khaby.lame`). */
  uploader: z.string().max(200).optional(),
  /** The author's display name (TikTok's nickname, `Khabane Lame`). */
  uploaderName: z.string().max(200).optional(),
  viewCount: z.number().int().nonnegative().optional(),
  likeCount: z.number().int().nonnegative().optional(),
  commentCount: z.number().int().nonnegative().optional(),
  shareCount: z.number().int().nonnegative().optional(),
  /** When the post was published, unix seconds. */
  timestamp: z.number().int().optional(),
  /** Hashtags without `#`: the extractor's tags, else those written in the description. */
  tags: z.array(z.string().min(1).max(200)).max(100).optional(),
  /** The music's title (TikTok's sound). */
  track: z.string().max(500).optional(),
  durationSeconds: z.number().nonnegative().optional(),
  /** Whether the delivered video is a rendition the source marks as watermarked (videos only). */
  hasWatermark: z.boolean().optional(),
});
export type PostMetadata = z.infer<typeof postMetadataSchema>;

export const fetchResultSchema = z.object({
  title: z.string().max(500),
  /** The platform's own id of the post, when the extractor reports one. */
  sourceId: z.string().max(200).optional(),
  uploader: z.string().max(200).optional(),
  outputs: z.array(outputFileSchema).min(1),
  metadata: postMetadataSchema.optional(),
});
export type FetchResult = z.infer<typeof fetchResultSchema>;

export const probeStreamSchema = z.object({
  index: z.number().int(),
  type: z.enum(["video", "audio", "subtitle", "data", "attachment", "unknown"]),
  codec: z.string().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  durationSeconds: z.number().optional(),
  bitRate: z.number().optional(),
  frameRate: z.number().optional(),
  sampleRate: z.number().optional(),
  channels: z.number().int().optional(),
});

export const probeResultSchema = z.object({
  formatName: z.string(),
  durationSeconds: z.number().nonnegative().optional(),
  size: z.number().int().nonnegative().optional(),
  bitRate: z.number().optional(),
  streams: z.array(probeStreamSchema),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

/** The standard ladder, by the short side of the picture (a 720x1280 portrait video is 720p). */
export const HLS_RUNG_HEIGHTS = [240, 480, 720, 1080] as const;

export const hlsRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  /** A signed GET URL of the uploaded original (served by the Worker). */
  source: z.string().url(),
  output: outputTargetSchema,
  segmentSeconds: z.number().int().min(2).max(6).default(4),
  /**
   * Caps the ladder at this short side (e.g. 720: no 1080p rung). Rungs above the source are left out
   * anyway; when none is left, the source's own size is the only rung.
   */
  rungs: z.number().int().min(HLS_RUNG_HEIGHTS[0]).max(HLS_RUNG_HEIGHTS[HLS_RUNG_HEIGHTS.length - 1]!).optional(),
});
export type HlsRequest = z.infer<typeof hlsRequestSchema>;

export const hlsSegmentSchema = z.object({
  name: z.string().regex(OUTPUT_NAME_PATTERN),
  durationSeconds: z.number().positive(),
  size: z.number().int().positive(),
});

/** One rung as produced: every figure is measured on the uploaded segments, not taken from encoder settings. */
export const hlsRenditionSchema = z.object({
  name: z.string().regex(/^[0-9]{2,4}p$/),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** Peak segment bit rate (bits/s), the master playlist's BANDWIDTH. */
  bandwidth: z.number().int().positive(),
  /** Total bits / total duration, the master playlist's AVERAGE-BANDWIDTH. */
  averageBandwidth: z.number().int().positive(),
  /** RFC 6381 codecs, e.g. `avc1.64001f,mp4a.40.2`. */
  codecs: z.string().min(1).max(100),
  frameRate: z.number().positive(),
  playlist: z.string().regex(OUTPUT_NAME_PATTERN),
  segments: z.array(hlsSegmentSchema).min(1),
});
export type HlsRendition = z.infer<typeof hlsRenditionSchema>;

export const hlsResultSchema = z.object({
  master: z.string().regex(OUTPUT_NAME_PATTERN),
  poster: z.string().regex(OUTPUT_NAME_PATTERN),
  segmentType: z.enum(["mpegts"]),
  durationSeconds: z.number().positive(),
  hasAudio: z.boolean(),
  renditions: z.array(hlsRenditionSchema).min(1),
});
export type HlsResult = z.infer<typeof hlsResultSchema>;

export const THUMBNAIL_MIN_WIDTH = 32;
export const THUMBNAIL_MAX_WIDTH = 1920;

export const thumbnailRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  /** A signed GET URL of the video (served by the Worker). */
  source: z.string().url(),
  output: outputTargetSchema,
  timeSeconds: z.number().min(0).max(86_400),
  width: z.number().int().min(THUMBNAIL_MIN_WIDTH).max(THUMBNAIL_MAX_WIDTH),
});
export type ThumbnailRequest = z.infer<typeof thumbnailRequestSchema>;

export const thumbnailResultSchema = z.object({
  output: outputFileSchema,
  /** The time of the frame taken: the request's, or the last frame's when the video is shorter. */
  timeSeconds: z.number().nonnegative(),
});
export type ThumbnailResult = z.infer<typeof thumbnailResultSchema>;

/** Services whose profiles and hashtags the `list` operation enumerates. */
export const listServiceSchema = z.enum(["tiktok"]);

export const LIST_MAX_ENTRIES = 1000;

const isoInstant = z.iso.datetime({ offset: true });

/**
 * Enumerate a profile's or hashtag's posts without downloading them (`https://www.tiktok.com/@user`,
 * `https://www.tiktok.com/tag/<tag>`). `since` / `until` (inclusive) apply to entries whose time the
 * source reports; `limit` cuts the list after filtering. Failures are fetch's codes: a profile or hashtag
 * that does not exist is `source.unavailable`, a private account `source.private`, a TikTok account
 * without posts `source.no_media`.
 */
export const listRequestSchema = z
  .object({
    url: z.string().url(),
    service: listServiceSchema,
    limit: z.number().int().min(1).max(LIST_MAX_ENTRIES),
    since: isoInstant.optional(),
    until: isoInstant.optional(),
  })
  .refine((r) => r.since === undefined || r.until === undefined || Date.parse(r.since) <= Date.parse(r.until), {
    message: "since must not be after until",
    path: ["since"],
  });
export type ListRequest = z.infer<typeof listRequestSchema>;

export const listEntrySchema = z.object({
  /** The platform's own id of the post. */
  id: z.string().min(1).max(200),
  /** The post's page, as `fetch` takes it. */
  url: z.string().url(),
  title: z.string().max(500).optional(),
  /** When the post was published, unix seconds. */
  timestamp: z.number().int().optional(),
});
export type ListEntry = z.infer<typeof listEntrySchema>;

export const listResultSchema = z.object({
  /** The profile's or hashtag's name, as the source titles the list. */
  title: z.string().max(500).optional(),
  /** Newest first. */
  entries: z.array(listEntrySchema).max(LIST_MAX_ENTRIES),
});
export type ListResult = z.infer<typeof listResultSchema>;

/**
 * Analyse a video for the studio (seed 003 `generate-script`): ffprobe, then one ffmpeg pass that finds
 * scene changes, silences and EBU R128 loudness and writes `numFrames` evenly spaced JPEG frames, uploaded
 * as `frame-000.jpg`, `frame-001.jpg`, … (one `output` line each).
 */
export const analyzeRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  /** A signed GET URL of the video (served by the Worker). */
  source: z.string().url(),
  numFrames: z.number().int().min(1).max(ANALYZE_MAX_FRAMES),
  output: outputTargetSchema,
});
export type AnalyzeRequest = z.infer<typeof analyzeRequestSchema>;
export { analyzeResultSchema, type AnalyzeResult } from "./media-analysis.ts";

/** Render an edit script (protocol/edit-script.ts) in one ffmpeg process; uploads `edited.mp4` (H.264 + AAC). */
export const editRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  source: z.string().url(),
  script: editScriptSchema,
  output: outputTargetSchema,
});
export type EditRequest = z.infer<typeof editRequestSchema>;

export const editResultSchema = z.object({
  /** `edited.mp4`, with its measured duration and frame size. */
  output: outputFileSchema,
});
export type EditResult = z.infer<typeof editResultSchema>;

/** `low`: 64 kbit/s audio, x264 preset veryfast; `medium`: 96 kbit/s, fast; `high`: 128 kbit/s, medium. */
export const compressQualitySchema = z.enum(["low", "medium", "high"]);
export type CompressQuality = z.infer<typeof compressQualitySchema>;

/**
 * Two-pass H.264 to a target file size (seed 003 `compress`): the output (`compressed.mp4`) lands at
 * 90–100 % of `targetBytes`, audio and container included. A target below what the duration allows
 * fails with `input.target_too_small`, whose message states the smallest possible size in MB.
 */
export const compressRequestSchema = z.object({
  taskId: z.string().min(1).max(100),
  source: z.string().url(),
  targetBytes: z.number().int().min(10_000).max(8 * 1024 ** 3),
  quality: compressQualitySchema,
  output: outputTargetSchema,
});
export type CompressRequest = z.infer<typeof compressRequestSchema>;

export const compressResultSchema = z.object({
  output: outputFileSchema,
  targetBytes: z.number().int().positive(),
  /** output.size ÷ targetBytes. */
  ratio: z.number().positive(),
});
export type CompressResult = z.infer<typeof compressResultSchema>;

/**
 * Error codes the transcoder reports. `retryable` decides whether the task engine tries again:
 * a vanished post will not come back, a network hiccup might.
 */
export const transcoderErrorCodeSchema = z.enum([
  "source.unsupported", // no extractor / not a post URL
  "source.unavailable", // 404, removed, geo-blocked
  "source.private", // login required
  "source.no_media", // post has nothing of the requested kind
  "source.too_large", // over output.maxBytes
  "source.blocked", // URL or redirect refused by the network guard
  "source.unreachable", // the source's host did not resolve, refused the connection or never answered
  "input.invalid", // request failed validation, or a media file ffmpeg refuses
  "input.target_too_small", // compress: the target size is below what the video's duration allows
  "upload.failed", // the Worker refused or dropped an output upload
  "protocol.mismatch", // the Worker and the transcoder speak different major protocol versions
  "timeout",
  "internal",
]);
export type TranscoderErrorCode = z.infer<typeof transcoderErrorCodeSchema>;

export const transcoderErrorSchema = z.object({
  code: transcoderErrorCodeSchema,
  message: z.string().max(2000),
  retryable: z.boolean(),
});
export type TranscoderError = z.infer<typeof transcoderErrorSchema>;

/** One NDJSON line of an operation's response stream. Exactly one `done` or `error` line ends it. */
export const progressEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), stage: z.string().max(50), percent: z.number().min(0).max(100) }),
  z.object({ type: z.literal("output"), output: outputFileSchema }),
  z.object({ type: z.literal("done"), result: z.unknown() }),
  z.object({ type: z.literal("error"), error: transcoderErrorSchema }),
]);
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

export const HEALTH_PATH = "/healthz";

/** GET /healthz: 200 when ffmpeg and yt-dlp run, 503 (versions null) when one does not. */
export const healthSchema = z.object({
  ok: z.boolean(),
  ffmpeg: z.string().nullable(),
  ytDlp: z.string().nullable(),
  protocol: z.string(),
});
export type Health = z.infer<typeof healthSchema>;

/**
 * Every operation the transcoder runs: `POST <path>` with a JSON body that `request` accepts, answered
 * by an NDJSON stream (see progressEventSchema) whose `done` line carries what `result` accepts. The
 * transcoder's routes and the Worker's client are both built from this table: an operation is added
 * here, implemented in containers/transcoder/src/ops/, and callable as `client.run("<name>", ...)`.
 */
export const TRANSCODER_OPERATIONS = {
  fetch: { path: "/v1/fetch", request: fetchRequestSchema, result: fetchResultSchema },
  probe: { path: "/v1/probe", request: probeRequestSchema, result: probeResultSchema },
  hls: { path: "/v1/hls", request: hlsRequestSchema, result: hlsResultSchema },
  thumbnail: { path: "/v1/thumbnail", request: thumbnailRequestSchema, result: thumbnailResultSchema },
  list: { path: "/v1/list", request: listRequestSchema, result: listResultSchema },
  analyze: { path: "/v1/analyze", request: analyzeRequestSchema, result: analyzeResultSchema },
  edit: { path: "/v1/edit", request: editRequestSchema, result: editResultSchema },
  compress: { path: "/v1/compress", request: compressRequestSchema, result: compressResultSchema },
} as const;

export type TranscoderOperation = keyof typeof TRANSCODER_OPERATIONS;
/** What a caller sends (fields with defaults may be left out). */
export type OperationRequest<Op extends TranscoderOperation> = z.input<(typeof TRANSCODER_OPERATIONS)[Op]["request"]>;
/** What the transcoder works with once the request is validated (defaults applied). */
export type ParsedOperationRequest<Op extends TranscoderOperation> = z.output<(typeof TRANSCODER_OPERATIONS)[Op]["request"]>;
export type OperationResult<Op extends TranscoderOperation> = z.output<(typeof TRANSCODER_OPERATIONS)[Op]["result"]>;
