/**
 * Seed 004's request and response bodies as zod schemas (the OpenAPI document and the validators come from
 * them). Field names, defaults and bounds are the document's; where it is silent the choice is written in
 * the field's description.
 */
import { z } from "@hono/zod-openapi";
import { ARCHIVER_MODES, ARCHIVER_VIDEO_STATUSES } from "../../db/schema";

export const JOB_STATUSES = ["pending", "running", "completed", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const Mode = z.enum(ARCHIVER_MODES).openapi("ArchiverMode");
export const JobStatusSchema = z.enum(JOB_STATUSES).openapi("ArchiverJobStatus");
export const VideoStatusSchema = z.enum(ARCHIVER_VIDEO_STATUSES).openapi("ArchiverVideoStatus");

const Timestamp = z.string().openapi({ format: "date-time", example: "2025-01-15T10:30:00.000Z" });
const IsoDate = z.iso.datetime({ offset: true, message: "an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z" });

/** A username without @ or a hashtag without #, as the document says; a leading @ or # is named in the error. */
export const SourceValue = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => !v.startsWith("@") && !v.startsWith("#"), {
    message: "value must be given without a leading @ (username) or # (hashtag)",
  })
  .refine((v) => /^[\p{L}\p{N}._-]+$/u.test(v), { message: "value may contain letters, digits, '.', '_' and '-' only" })
  .openapi({ example: "khaby.lame" });

const Limit = z.number().int().min(1).max(200);

export const JobCreate = z
  .object({
    mode: Mode,
    value: SourceValue,
    limit: Limit.default(50),
    no_watermark: z.boolean().default(true),
    since: IsoDate.nullish().openapi({ description: "Only videos created at or after this time" }),
    until: IsoDate.nullish().openapi({ description: "Only videos created at or before this time" }),
    drive_folder_id: z.string().trim().min(1).max(200).nullish().openapi({ description: "Deliver into this Drive folder instead of the configured root" }),
  })
  .superRefine((v, ctx) => {
    if (v.since && v.until && Date.parse(v.since) > Date.parse(v.until)) {
      ctx.addIssue({ code: "custom", path: ["since"], message: "since must not be later than until" });
    }
  })
  .openapi("ArchiverJobCreate", {
    example: { mode: "profile", value: "khaby.lame", limit: 50, no_watermark: true, since: "2024-01-01T00:00:00Z", until: "2024-12-31T23:59:59Z" },
  });
export type JobCreateInput = z.output<typeof JobCreate>;

const counters = {
  status: JobStatusSchema,
  progress: z.number().int().min(0).max(100),
  total_videos: z.number().int().nonnegative(),
  successful_downloads: z.number().int().nonnegative(),
  failed_downloads: z.number().int().nonnegative(),
};

export const Job = z
  .object({
    id: z.string(),
    mode: Mode,
    value: z.string(),
    limit: z.number().int(),
    no_watermark: z.boolean(),
    since: Timestamp.nullable(),
    until: Timestamp.nullable(),
    drive_folder_id: z.string().nullable(),
    schedule_id: z.string().nullable(),
    ...counters,
    error: z.string().nullable().openapi({ description: "Why the job failed (failed jobs only)" }),
    created_at: Timestamp,
    completed_at: Timestamp.nullable(),
  })
  .openapi("ArchiverJob");
export type JobView = z.infer<typeof Job>;

export const VideoBrief = z
  .object({
    id: z.string(),
    url: z.string(),
    author_username: z.string().nullable(),
    status: VideoStatusSchema,
    views: z.number().int().nullable(),
    likes: z.number().int().nullable(),
    drive_file_id: z.string().nullable(),
  })
  .openapi("ArchiverVideoBrief");

export const DriveLink = z
  .object({
    video_id: z.string(),
    video_link: z.string(),
    metadata_link: z.string().nullable(),
    folder_path: z.string(),
  })
  .openapi("ArchiverDriveLink", {
    description:
      "Google Drive links when Drive is configured; otherwise signed links to the platform's own copy, valid for ARCHIVER_SIGNED_URL_TTL_SECONDS.",
  });

export const JobDetail = z.object({ job: Job, videos: z.array(VideoBrief), drive_links: z.array(DriveLink) }).openapi("ArchiverJobDetail");

export const JobListQuery = z.object({
  status: JobStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const Video = z
  .object({
    id: z.string(),
    job_id: z.string(),
    url: z.string(),
    desc: z.string().nullable(),
    author_username: z.string().nullable(),
    author_nickname: z.string().nullable(),
    views: z.number().int().nullable(),
    likes: z.number().int().nullable(),
    comments: z.number().int().nullable(),
    shares: z.number().int().nullable(),
    created_at_tiktok: Timestamp.nullable(),
    hashtags: z.array(z.string()),
    music_title: z.string().nullable(),
    has_watermark: z.boolean().nullable(),
    file_size: z.number().int().nullable(),
    duration: z.number().nullable(),
    drive_file_id: z.string().nullable(),
    drive_folder_path: z.string(),
    status: VideoStatusSchema,
    error_message: z.string().nullable(),
  })
  .openapi("ArchiverVideo");
export type VideoView = z.infer<typeof Video>;

export const VideoListQuery = z.object({
  mode: Mode.optional(),
  value: z.string().max(100).optional(),
  author_username: z.string().max(100).optional(),
  hashtag: z.string().max(100).optional(),
  status: VideoStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type VideoFilters = z.output<typeof VideoListQuery>;

export const VideoList = z.object({ total: z.number().int().nonnegative(), videos: z.array(Video) }).openapi("ArchiverVideoList");

export const JobIdParam = z.object({ job_id: z.string().min(1).max(100).openapi({ param: { name: "job_id", in: "path" }, example: "550e8400-e29b-41d4-a716-446655440000" }) });
export const VideoIdParam = z.object({ video_id: z.string().min(1).max(100).openapi({ param: { name: "video_id", in: "path" }, example: "7123456789012345678" }) });
