/**
 * The platform's D1 schema: one identity, one media store, one task engine, plus the per-face
 * records that the documents expose (conversion logs). The tables are the source of row types;
 * migrations in `migrations/` are generated from this file by drizzle-kit.
 *
 * Timestamps are integer milliseconds since the epoch (`timestamp_ms`), so comparisons in SQL are cheap
 * and exact.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () =>
  integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(cast(unixepoch('subsecond') * 1000 as integer))`);

// ───────────────────────────── identity ─────────────────────────────

/**
 * Accounts. Seed 001 keeps unapproved sign-ups in a separate `new_users` table; here that is the
 * `pending` status of one table, so approval is an update rather than a copy between tables.
 */
export const users = sqliteTable(
  "users",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    username: text("username").notNull(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    status: text("status", { enum: ["pending", "active", "disabled"] }).notNull().default("pending"),
    role: text("role", { enum: ["user", "admin"] }).notNull().default("user"),
    createdAt: createdAt(),
    approvedAt: integer("approved_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("users_username_unique").on(t.username), uniqueIndex("users_email_unique").on(t.email)],
);

/** API keys belong to a user; only a hash is stored, the prefix is kept so a key can be recognised in lists. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_user_idx").on(t.userId)],
);

// ───────────────────────────── media store ─────────────────────────────

/** One row per R2 object. `retention = idle` objects expire when nobody read them for FILE_IDLE_TTL_SECONDS. */
export const files = sqliteTable(
  "files",
  {
    id: text("id").primaryKey(),
    r2Key: text("r2_key").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    etag: text("etag").notNull(),
    /** CRC-32 of the object's bytes (unsigned), recorded when they were stored; null for files stored before it was kept. */
    crc32: integer("crc32"),
    /** The task that produced the object, if any: expiring the object invalidates that task's cached result. */
    sourceTaskId: text("source_task_id"),
    retention: text("retention", { enum: ["idle", "keep"] }).notNull().default("idle"),
    createdAt: createdAt(),
    lastAccessedAt: integer("last_accessed_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("files_r2_key_unique").on(t.r2Key),
    index("files_idle_idx").on(t.retention, t.lastAccessedAt),
    index("files_task_idx").on(t.sourceTaskId),
  ],
);

/**
 * Public names of files, per namespace (a face's scope of names: `saver`, `converter.youtube`, ...). A
 * name is what a client puts in a URL; it is looked up here and never used as an R2 key. Several names
 * (of several namespaces or users) can share one cached object.
 */
export const fileNames = sqliteTable(
  "file_names",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    namespace: text("namespace").notNull(),
    publicName: text("public_name").notNull(),
    fileId: text("file_id")
      .notNull()
      .references(() => files.id, { onDelete: "cascade" }),
    ownerUserId: integer("owner_user_id"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("file_names_namespace_name_unique").on(t.namespace, t.publicName),
    index("file_names_file_idx").on(t.fileId),
    index("file_names_owner_idx").on(t.ownerUserId),
  ],
);

// ───────────────────────────── task engine ─────────────────────────────

export const TASK_STATUSES = ["queued", "running", "waiting", "succeeded", "dead", "expired", "cancelled"] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/**
 * Every slow thing is a task. Queue messages only wake consumers; the row is the truth.
 * - queued:    ready when run_after <= now; claimed highest priority first
 * - running:   leased until lease_until by lease_token; a lapsed lease is requeued by cron
 * - waiting:   the run spawned children and ended; queued again when the last child settles
 * - succeeded: result holds the outcome (this is also the download cache, keyed by idempotency_key)
 * - dead:      retries exhausted or a permanent error; error_code / error_message kept
 * - expired:   succeeded, but its output files were collected; the next identical submission reruns it
 * - cancelled: cancelTask stopped it (a running one at its next heartbeat)
 *
 * A child (parent_id set) settles when it reaches succeeded, dead or cancelled. `counted_in_parent` is
 * flipped in the same D1 batch that adds the child to its parent's counters, so a child is counted once
 * however often its transition is replayed.
 */
export const tasks = sqliteTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    /** The face that first submitted the task (informational: a shared task has many requesters). */
    face: text("face"),
    priority: integer("priority").notNull().default(5),
    status: text("status", { enum: TASK_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    maxRetries: integer("max_retries").notNull().default(3),
    progress: integer("progress").notNull().default(0),
    stage: text("stage"),
    idempotencyKey: text("idempotency_key"),
    payload: text("payload", { mode: "json" }).notNull(),
    result: text("result", { mode: "json" }),
    /** Results of completed steps of a multi-step run, by step name; kept across attempts. */
    steps: text("steps", { mode: "json" }).$type<Record<string, unknown>>(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    ownerUserId: integer("owner_user_id"),
    parentId: text("parent_id"),
    childrenTotal: integer("children_total").notNull().default(0),
    childrenSucceeded: integer("children_succeeded").notNull().default(0),
    childrenFailed: integer("children_failed").notNull().default(0),
    childrenCancelled: integer("children_cancelled").notNull().default(0),
    countedInParent: integer("counted_in_parent", { mode: "boolean" }).notNull().default(false),
    /** Set by cancelTask on a running task; its runner sees it at the next heartbeat and stops. */
    cancelRequested: integer("cancel_requested", { mode: "boolean" }).notNull().default(false),
    runAfter: integer("run_after", { mode: "timestamp_ms" }).notNull(),
    leaseUntil: integer("lease_until", { mode: "timestamp_ms" }),
    leaseToken: text("lease_token"),
    createdAt: createdAt(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("tasks_idempotency_unique").on(t.idempotencyKey),
    index("tasks_ready_idx").on(t.status, t.priority, t.runAfter),
    index("tasks_lease_idx").on(t.status, t.leaseUntil),
    index("tasks_parent_idx").on(t.parentId, t.status),
    // Only children not yet counted: what the recovery sweep scans stays as small as the live fan-out.
    index("tasks_uncounted_children_idx")
      .on(t.parentId)
      .where(sql`${t.parentId} IS NOT NULL AND ${t.countedInParent} = 0`),
  ],
);

/**
 * Who hears about a task: each row sends the task's progress events to one JobProgress channel. Tasks are
 * shared between requests and jobs (the download cache), so every requester watches; `owner_user_id` and
 * `face` only record the first one.
 */
export const taskWatchers = sqliteTable(
  "task_watchers",
  {
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    channel: text("channel").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.channel] })],
);

// ───────────────────────────── converter (seed 001) ─────────────────────────────

export const CONVERSION_SERVICES = ["youtube", "instagram", "tiktok"] as const;

/** Seed 001's per-service conversion tables, as one table with a service column. */
export const conversions = sqliteTable(
  "conversions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    service: text("service", { enum: CONVERSION_SERVICES }).notNull(),
    userId: integer("user_id"),
    url: text("url").notNull(),
    format: text("format").notNull(),
    resolution: text("resolution"),
    filename: text("filename"),
    status: text("status", { enum: ["success", "error"] }).notNull(),
    message: text("message"),
    createdAt: createdAt(),
  },
  (t) => [index("conversions_service_user_idx").on(t.service, t.userId, t.createdAt)],
);

// ───────────────────────────── social (seed 002) ─────────────────────────────

/** Processing states of seed 002's media (`not_found`: the stored original is gone). */
export const SOCIAL_MEDIA_STATUSES = ["pending", "processing", "ready", "error", "not_found"] as const;
export type SocialMediaStatus = (typeof SOCIAL_MEDIA_STATUSES)[number];

const updatedAt = () => integer("updated_at", { mode: "timestamp_ms" }).notNull();
/** Platform user that created a record (null when created anonymously); `SOCIAL_WRITE_ACCESS=user` checks it. */
const creatorUserId = () => integer("creator_user_id");
/**
 * Every R2 object of a record (originals, previews, and what the HLS task writes later) is stored under its
 * prefix, so removing the record removes everything under it, registered or not.
 */
const r2Prefix = () => text("r2_prefix").notNull();
const localized = {
  enTitle: text("en_title"),
  kkTitle: text("kk_title"),
  ruTitle: text("ru_title"),
  enDescription: text("en_description"),
  kkDescription: text("kk_description"),
  ruDescription: text("ru_description"),
};

/** Uploaded videos: standalone (`/video/upload`, title/description) or a story's or reel's (localized titles). */
export const socialVideos = sqliteTable(
  "social_videos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Where it was uploaded: `/video/upload`, a story, or a reel (`/video/list` shows the standalone ones). */
    kind: text("kind", { enum: ["standalone", "story", "reel"] }).notNull(),
    fileId: text("file_id"),
    filename: text("filename").notNull(),
    title: text("title"),
    description: text("description"),
    ...localized,
    status: text("status", { enum: SOCIAL_MEDIA_STATUSES }).notNull().default("pending"),
    errorMessage: text("error_message"),
    r2Prefix: r2Prefix(),
    /**
     * The HLS run whose segments are served (0: none yet). Raised at the start of every run, so a retried
     * run's rows and URIs never mix with an earlier run's half-written ones, and a stale runner's late
     * writes (tagged with its own number) are never served.
     */
    hlsAttempt: integer("hls_attempt").notNull().default(0),
    /** The ladder as measured by the transcoder once the run is done (the ready master playlist's figures). */
    hlsLadder: text("hls_ladder", { mode: "json" }).$type<SocialHlsLadder>(),
    posterFileId: text("poster_file_id"),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("social_videos_kind_idx").on(t.kind, t.id)],
);

export interface SocialHlsRendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  frameRate: number;
}
export interface SocialHlsLadder {
  durationSeconds: number;
  hasAudio: boolean;
  renditions: SocialHlsRendition[];
}

/**
 * HLS files of a video as the transcoder reports them uploaded (one row per `output` event), so the
 * playlist routes serve what exists while the video is still processing. Rows belong to one run
 * (`attempt`, see `social_videos.hls_attempt`); only the video's current run is served.
 */
export const socialVideoSegments = sqliteTable(
  "social_video_segments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    videoId: integer("video_id")
      .notNull()
      .references(() => socialVideos.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    /** `segment` (MPEG-TS), `playlist` (a rung's media playlist), `master`, `poster`. */
    kind: text("kind", { enum: ["segment", "playlist", "master", "poster"] }).notNull(),
    /** The ladder rung (`720p`); null for the master playlist and the poster. */
    rendition: text("rendition"),
    /** Position in the rung (0-based) for segments; -1 otherwise. */
    sequence: integer("sequence").notNull(),
    name: text("name").notNull(),
    r2Key: text("r2_key").notNull(),
    size: integer("size").notNull(),
    contentType: text("content_type").notNull(),
    durationSeconds: real("duration_seconds"),
    width: integer("width"),
    height: integer("height"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("social_video_segments_name_unique").on(t.videoId, t.attempt, t.name),
    index("social_video_segments_rung_idx").on(t.videoId, t.attempt, t.rendition, t.sequence),
  ],
);

export const socialStories = sqliteTable("social_stories", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  videoId: integer("video_id").references(() => socialVideos.id, { onDelete: "set null" }),
  ...localized,
  previewFileId: text("preview_file_id"),
  r2Prefix: r2Prefix(),
  creatorUserId: creatorUserId(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Photos: standalone (`/photo/upload`) or one of a story's (`story_id`); dimensions read from the image header. */
export const socialPhotos = sqliteTable(
  "social_photos",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    storyId: integer("story_id").references(() => socialStories.id, { onDelete: "cascade" }),
    fileId: text("file_id"),
    filename: text("filename").notNull(),
    title: text("title"),
    description: text("description"),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    status: text("status", { enum: SOCIAL_MEDIA_STATUSES }).notNull().default("ready"),
    errorMessage: text("error_message"),
    r2Prefix: r2Prefix(),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("social_photos_story_idx").on(t.storyId, t.id)],
);

/**
 * Reels keep their like, view and comment counts in the row, updated in the same D1 batch as the like, view
 * or comment, so `sort_by=likes|views` walks an index instead of counting 100,000 rows per request.
 */
export const socialReels = sqliteTable(
  "social_reels",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    videoId: integer("video_id").references(() => socialVideos.id, { onDelete: "set null" }),
    ...localized,
    previewFileId: text("preview_file_id"),
    likesCount: integer("likes_count").notNull().default(0),
    viewsCount: integer("views_count").notNull().default(0),
    commentCount: integer("comment_count").notNull().default(0),
    r2Prefix: r2Prefix(),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("social_reels_created_idx").on(t.createdAt, t.id),
    index("social_reels_likes_idx").on(t.likesCount, t.id),
    index("social_reels_views_idx").on(t.viewsCount, t.id),
  ],
);

/** One like per user per target: the unique indexes make a second add a no-op (NULL targets never collide). */
export const socialLikes = sqliteTable(
  "social_likes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull(),
    storyId: integer("story_id").references(() => socialStories.id, { onDelete: "cascade" }),
    reelsId: integer("reels_id").references(() => socialReels.id, { onDelete: "cascade" }),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("social_likes_story_user_unique").on(t.storyId, t.userId),
    uniqueIndex("social_likes_reels_user_unique").on(t.reelsId, t.userId),
  ],
);

export const socialComments = sqliteTable(
  "social_comments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull(),
    storyId: integer("story_id").references(() => socialStories.id, { onDelete: "cascade" }),
    reelsId: integer("reels_id").references(() => socialReels.id, { onDelete: "cascade" }),
    comment: text("comment").notNull(),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
  },
  (t) => [index("social_comments_story_idx").on(t.storyId, t.id), index("social_comments_reels_idx").on(t.reelsId, t.id)],
);

export const socialViews = sqliteTable(
  "social_views",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull(),
    storyId: integer("story_id").references(() => socialStories.id, { onDelete: "cascade" }),
    reelsId: integer("reels_id").references(() => socialReels.id, { onDelete: "cascade" }),
    creatorUserId: creatorUserId(),
    createdAt: createdAt(),
  },
  (t) => [
    index("social_views_story_idx").on(t.storyId, t.id),
    index("social_views_reels_idx").on(t.reelsId, t.id),
    index("social_views_user_idx").on(t.userId, t.id),
  ],
);

// ───────────────────────────── seed 004: archiver ─────────────────────────────

export const ARCHIVER_MODES = ["profile", "hashtag"] as const;
export const ARCHIVER_VIDEO_STATUSES = ["pending", "downloading", "downloaded", "uploading", "uploaded", "failed"] as const;

/**
 * An archive job. Its id is the id of its `archiver.job` task: status, progress and the video counters are
 * that task's (the engine keeps them exact); this row holds what the document's job adds.
 */
export const archiverJobs = sqliteTable(
  "archiver_jobs",
  {
    id: text("id").primaryKey(),
    mode: text("mode", { enum: ARCHIVER_MODES }).notNull(),
    value: text("value").notNull(),
    limit: integer("limit").notNull(),
    noWatermark: integer("no_watermark", { mode: "boolean" }).notNull(),
    since: integer("since", { mode: "timestamp_ms" }),
    until: integer("until", { mode: "timestamp_ms" }),
    driveFolderId: text("drive_folder_id"),
    /** The scheduled job that created it, if any (its run counters are counted from these rows). */
    scheduleId: text("schedule_id"),
    ownerUserId: integer("owner_user_id"),
    createdAt: createdAt(),
    completedAt: integer("completed_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("archiver_jobs_created_idx").on(t.createdAt, t.id), index("archiver_jobs_schedule_idx").on(t.scheduleId, t.createdAt)],
);

/**
 * One archived TikTok video, keyed by TikTok's id: a video already archived is never downloaded again,
 * whichever job finds it next (yt-dlp's download-archive idea). `job_id` is the job that archived it.
 */
export const archiverVideos = sqliteTable(
  "archiver_videos",
  {
    id: text("id").primaryKey(),
    jobId: text("job_id")
      .notNull()
      .references(() => archiverJobs.id, { onDelete: "cascade" }),
    mode: text("mode", { enum: ARCHIVER_MODES }).notNull(),
    value: text("value").notNull(),
    url: text("url").notNull(),
    desc: text("desc"),
    authorUsername: text("author_username"),
    authorNickname: text("author_nickname"),
    views: integer("views"),
    likes: integer("likes"),
    comments: integer("comments"),
    shares: integer("shares"),
    createdAtTiktok: integer("created_at_tiktok", { mode: "timestamp_ms" }),
    hashtags: text("hashtags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    musicTitle: text("music_title"),
    hasWatermark: integer("has_watermark", { mode: "boolean" }),
    fileSize: integer("file_size"),
    duration: real("duration"),
    /** `TikTok/{mode}/{value}/{yyyy}/{mm}`: the R2 folder of the video and the Drive folder path alike. */
    folderPath: text("folder_path").notNull(),
    fileId: text("file_id"),
    metadataFileId: text("metadata_file_id"),
    driveFileId: text("drive_file_id"),
    driveMetadataFileId: text("drive_metadata_file_id"),
    driveVideoLink: text("drive_video_link"),
    driveMetadataLink: text("drive_metadata_link"),
    status: text("status", { enum: ARCHIVER_VIDEO_STATUSES }).notNull().default("pending"),
    errorMessage: text("error_message"),
    /** The task archiving it right now (claimed with a compare-and-set): two jobs never fetch it twice. */
    taskId: text("task_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("archiver_videos_created_idx").on(t.createdAt, t.id),
    // By value (the username or hashtag a job archived), newest first; mode has two values and is filtered on the way.
    index("archiver_videos_value_idx").on(t.value, t.createdAt, t.id),
    // Covers the count of `value` + `mode` (the page walks the index above and checks mode on the rows it shows).
    index("archiver_videos_value_mode_idx").on(t.value, t.mode),
    index("archiver_videos_author_idx").on(t.authorUsername, t.createdAt, t.id),
    index("archiver_videos_status_idx").on(t.status, t.createdAt, t.id),
    index("archiver_videos_job_idx").on(t.jobId),
  ],
);

/** A video's hashtags, one row each, so `GET /videos?hashtag=` walks an index instead of every JSON array. */
export const archiverVideoHashtags = sqliteTable(
  "archiver_video_hashtags",
  {
    tag: text("tag").notNull(),
    videoId: text("video_id")
      .notNull()
      .references(() => archiverVideos.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tag, t.createdAt, t.videoId] }), index("archiver_video_hashtags_video_idx").on(t.videoId)],
);

/** Every video a job found, including those another job had archived already (they are listed, not fetched). */
export const archiverJobVideos = sqliteTable(
  "archiver_job_videos",
  {
    jobId: text("job_id")
      .notNull()
      .references(() => archiverJobs.id, { onDelete: "cascade" }),
    videoId: text("video_id")
      .notNull()
      .references(() => archiverVideos.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.videoId] }), index("archiver_job_videos_video_idx").on(t.videoId)],
);

export const archiverSchedules = sqliteTable(
  "archiver_schedules",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    mode: text("mode", { enum: ARCHIVER_MODES }).notNull(),
    value: text("value").notNull(),
    limit: integer("limit").notNull(),
    noWatermark: integer("no_watermark", { mode: "boolean" }).notNull(),
    intervalMinutes: integer("interval_minutes").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }),
    nextRunAt: integer("next_run_at", { mode: "timestamp_ms" }).notNull(),
    ownerUserId: integer("owner_user_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("archiver_schedules_due_idx").on(t.enabled, t.nextRunAt)],
);

// ───────────────────────────── studio (seed 003) ─────────────────────────────

export const STUDIO_EVENT_KINDS = ["request", "download", "script", "edit", "compress", "process"] as const;
export type StudioEventKind = (typeof STUDIO_EVENT_KINDS)[number];

/**
 * Seed 003's analytics, one row per recorded event (kept for audit and re-aggregation). The endpoints read
 * the aggregates below, never this table: a day's figures are one row however many events it had.
 */
export const studioEvents = sqliteTable(
  "studio_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** UTC day, `YYYY-MM-DD`: the aggregate row the event was added to. */
    day: text("day").notNull(),
    kind: text("kind", { enum: STUDIO_EVENT_KINDS }).notNull(),
    url: text("url"),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    cacheHit: integer("cache_hit", { mode: "boolean" }),
    durationMs: integer("duration_ms"),
    createdAt: createdAt(),
  },
  (t) => [index("studio_events_day_idx").on(t.day)],
);

/** Per-day totals, updated in the same D1 batch as the event insert. */
export const studioDailyStats = sqliteTable("studio_daily_stats", {
  day: text("day").primaryKey(),
  requests: integer("requests").notNull().default(0),
  downloads: integer("downloads").notNull().default(0),
  cacheHits: integer("cache_hits").notNull().default(0),
  scripts: integer("scripts").notNull().default(0),
  edits: integer("edits").notNull().default(0),
  compressions: integer("compressions").notNull().default(0),
  processes: integer("processes").notNull().default(0),
  failures: integer("failures").notNull().default(0),
  processingMsTotal: integer("processing_ms_total").notNull().default(0),
  processingCount: integer("processing_count").notNull().default(0),
});

/** Requests per source URL, for `GET /api/v1/analytics/top` (an index on the count, not a GROUP BY). */
export const studioUrlCounts = sqliteTable(
  "studio_url_counts",
  {
    url: text("url").primaryKey(),
    requests: integer("requests").notNull().default(0),
    lastRequestedAt: integer("last_requested_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("studio_url_counts_top_idx").on(t.requests, t.url)],
);

export const STUDIO_WEBHOOK_SOURCES = ["tiktok", "telegram", "whatsapp"] as const;

/**
 * One row per webhook delivery the studio accepted, keyed by what the provider repeats on a retry (TikTok's
 * body digest, Telegram's update_id, Twilio's MessageSid): a replayed delivery finds its row and creates no
 * second task. The reply columns are claimed with a compare-and-set, so a reply is sent at most once.
 */
export const studioWebhookDeliveries = sqliteTable(
  "studio_webhook_deliveries",
  {
    source: text("source", { enum: STUDIO_WEBHOOK_SOURCES }).notNull(),
    deliveryKey: text("delivery_key").notNull(),
    taskId: text("task_id"),
    /** Telegram chat id or WhatsApp sender (`whatsapp:+…`), where replies go. */
    replyTo: text("reply_to"),
    url: text("url"),
    ackClaimedAt: integer("ack_claimed_at", { mode: "timestamp_ms" }),
    resultClaimedAt: integer("result_claimed_at", { mode: "timestamp_ms" }),
    resultSentAt: integer("result_sent_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.source, t.deliveryKey] }), index("studio_webhook_deliveries_task_idx").on(t.taskId)],
);

/**
 * A job of seed 003's priority queue: its id is its task's id (status, attempts and result are the task's);
 * this row holds what the queue API lists.
 */
export const studioQueueJobs = sqliteTable(
  "studio_queue_jobs",
  {
    id: text("id").primaryKey(),
    url: text("url").notNull(),
    priority: integer("priority").notNull(),
    maxRetries: integer("max_retries").notNull(),
    ownerUserId: integer("owner_user_id"),
    createdAt: createdAt(),
  },
  (t) => [index("studio_queue_jobs_created_idx").on(t.createdAt, t.id)],
);

export type StudioEventRow = typeof studioEvents.$inferSelect;
export type StudioWebhookDeliveryRow = typeof studioWebhookDeliveries.$inferSelect;
export type StudioQueueJobRow = typeof studioQueueJobs.$inferSelect;

export type ArchiverJobRow = typeof archiverJobs.$inferSelect;
export type ArchiverVideoRow = typeof archiverVideos.$inferSelect;
export type ArchiverScheduleRow = typeof archiverSchedules.$inferSelect;
export type ArchiverVideoStatus = (typeof ARCHIVER_VIDEO_STATUSES)[number];

export type SocialVideoRow = typeof socialVideos.$inferSelect;
export type SocialVideoSegmentRow = typeof socialVideoSegments.$inferSelect;
export type SocialStoryRow = typeof socialStories.$inferSelect;
export type SocialPhotoRow = typeof socialPhotos.$inferSelect;
export type SocialReelRow = typeof socialReels.$inferSelect;
export type SocialLikeRow = typeof socialLikes.$inferSelect;
export type SocialCommentRow = typeof socialComments.$inferSelect;
export type SocialViewRow = typeof socialViews.$inferSelect;

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type FileRow = typeof files.$inferSelect;
export type FileNameRow = typeof fileNames.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type TaskWatcherRow = typeof taskWatchers.$inferSelect;
export type ConversionRow = typeof conversions.$inferSelect;
