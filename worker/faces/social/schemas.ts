/**
 * Seed 002's request and response bodies as zod schemas (the OpenAPI document and the validators come from
 * them). Field names and messages are the document's.
 */
import { z } from "@hono/zod-openapi";
import { SOCIAL_MEDIA_STATUSES } from "../../db/schema";
import { DESCRIPTION_MAX, TITLE_MAX } from "./uploads";

/**
 * An integer as JSON sends it or as a form sends it (a decimal string); an empty form field is absent.
 * FastAPI's `int` parameters accept both.
 */
const formInt = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === "string" ? (v.trim() === "" ? undefined : /^\s*[+-]?\d{1,16}\s*$/.test(v) ? Number(v) : v) : v), inner);

const Id = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
export const UserId = formInt(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).openapi({ type: "integer", example: 123 });
const OptionalTargetId = formInt(Id.optional()).optional().openapi({ type: "integer", example: 1 });

/** A path or query id: FastAPI answers a non-integer with 422 `value is not a valid integer`. */
export const idParam = (name: string) => z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).openapi({ param: { name, in: "path" }, example: 1 });

export const Status = z.enum(SOCIAL_MEDIA_STATUSES).openapi("SocialMediaStatus");
const Timestamp = z.string().openapi({ example: "2024-01-15T10:30:00.000Z" });
const Text = z.string().nullable();

/** Exactly one of `story_id` / `reels_id`: a like, comment or view belongs to one target. */
const oneTarget = <T extends { story_id?: unknown; reels_id?: unknown }>(v: T, ctx: z.RefinementCtx) => {
  const given = (v.story_id !== undefined ? 1 : 0) + (v.reels_id !== undefined ? 1 : 0);
  if (given !== 1) {
    ctx.addIssue({ code: "custom", path: ["story_id"], message: "exactly one of story_id or reels_id is required" });
  }
};

export const TargetRequest = z
  .object({ user_id: UserId, story_id: OptionalTargetId, reels_id: OptionalTargetId })
  .superRefine(oneTarget)
  .openapi("SocialTargetRequest", { example: { user_id: 123, story_id: 1 } });

export const CommentRequest = z
  .object({ user_id: UserId, story_id: OptionalTargetId, reels_id: OptionalTargetId, comment: z.string().trim().min(1).max(2000) })
  .superRefine(oneTarget)
  .openapi("SocialCommentRequest", { example: { user_id: 123, story_id: 1, comment: "Отличная история!" } });

const queryInt = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);
const optionalQueryId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional();

export const MetadataRequest = z
  .object({
    en_title: z.string().max(TITLE_MAX).optional(),
    kk_title: z.string().max(TITLE_MAX).optional(),
    ru_title: z.string().max(TITLE_MAX).optional(),
    en_description: z.string().max(DESCRIPTION_MAX).optional(),
    kk_description: z.string().max(DESCRIPTION_MAX).optional(),
    ru_description: z.string().max(DESCRIPTION_MAX).optional(),
  })
  .openapi("SocialMetadataRequest", { example: { en_title: "Updated Title", ru_title: "Обновленный Заголовок" } });

export const StoriesListQuery = z.object({
  user_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: "Whose likes `is_liked` reports" }),
  limit: queryInt(100, 100).openapi({ description: "Newest first; not in the document, which lists every story (default 100, max 100)" }),
  offset: queryInt(0, 1_000_000),
});

export const REEL_SORTS = ["created_at", "likes", "views"] as const;
export const ReelsListQuery = z.object({
  user_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: queryInt(0, 1_000_000),
  sort_by: z.enum(REEL_SORTS).default("created_at"),
  order: z.enum(["asc", "desc"]).default("desc"),
});

export const TargetQuery = z.object({ story_id: optionalQueryId, reels_id: optionalQueryId });
/** The document's defaults: comments skip 10 unless `offset` is given (section 4.2), views start at 0. */
export const CommentsListQuery = TargetQuery.extend({ limit: queryInt(20, 100), offset: queryInt(10, 1_000_000) });
export const PageQuery = z.object({ limit: queryInt(20, 100), offset: queryInt(0, 1_000_000) });
export const ViewsListQuery = TargetQuery.extend(PageQuery.shape);

// ───────────── responses ─────────────

export const Message = z.object({ message: z.string() }).openapi("SocialMessage", { example: { message: "Сторис успешно удален" } });

const localized = {
  en_title: Text,
  kk_title: Text,
  ru_title: Text,
  en_description: Text,
  kk_description: Text,
  ru_description: Text,
};

export const StoryCreated = z
  .object({
    id: z.number().int(),
    photo_ids: z.array(z.number().int()),
    video_id: z.number().int().nullable(),
    status: Status,
    message: z.string(),
    ...localized,
    preview_thumbnail_path: Text,
  })
  .openapi("StoryCreated");

export const VideoSummary = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, error_message: Text, en_title: Text, kk_title: Text, ru_title: Text })
  .openapi("SocialVideoSummary");

export const Story = z
  .object({
    id: z.number().int(),
    photos: z.array(z.object({ id: z.number().int(), filename: z.string() })),
    video: VideoSummary.nullable(),
    status: Status,
    created_at: Timestamp,
    updated_at: Timestamp,
    error_message: Text,
    likes_count: z.number().int(),
    preview_thumbnail_path: Text,
    is_liked: z.boolean(),
    ...localized,
  })
  .openapi("Story");

export const LocalizedVideoStatus = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, error_message: Text, ...localized })
  .openapi("StoryVideoStatus");

export const PreviewUploaded = z
  .object({ id: z.number().int(), preview_thumbnail_path: z.string(), message: z.string() })
  .openapi("PreviewUploaded");

export const ReelCreated = z
  .object({ id: z.number().int(), video_id: z.number().int().nullable(), status: Status, message: z.string(), ...localized, preview_thumbnail_path: Text })
  .openapi("ReelCreated");

export const ReelComment = z.object({ user_id: z.number().int(), text: z.string(), created_at: Timestamp }).openapi("ReelComment");

const reelCommon = {
  id: z.number().int(),
  status: Status,
  created_at: Timestamp,
  updated_at: Timestamp,
  error_message: Text,
  likes_count: z.number().int(),
  comment_count: z.number().int(),
  views_count: z.number().int(),
  preview_thumbnail_path: Text,
  comments: z.array(ReelComment),
  is_liked: z.boolean(),
};

export const ReelListItem = z.object({ ...reelCommon, video_id: z.number().int().nullable(), ...localized }).openapi("ReelListItem");
export const ReelsPage = z.object({ items: z.array(ReelListItem) }).openapi("ReelsPage");
export const Reel = z.object({ ...reelCommon, video: VideoSummary.nullable(), ...localized }).openapi("Reel");

const targetFields = { id: z.number().int(), user_id: z.number().int(), story_id: z.number().int().nullable(), reels_id: z.number().int().nullable() };
export const LikeAdded = z.object({ ...targetFields, message: z.string() }).openapi("LikeAdded");
export const CommentItem = z.object({ ...targetFields, comment: z.string() }).openapi("SocialComment");
export const CommentAdded = z.object({ ...targetFields, comment: z.string(), message: z.string() }).openapi("CommentAdded");
export const CommentsPage = z.object({ count: z.number().int(), comments: z.array(CommentItem) }).openapi("CommentsPage");
export const ViewItem = z.object(targetFields).openapi("SocialView");
export const ViewAdded = z.object({ ...targetFields, message: z.string() }).openapi("ViewAdded");
export const ViewsPage = z.object({ count: z.number().int(), views: z.array(ViewItem) }).openapi("ViewsPage");

export const VideoUploaded = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, message: z.string(), title: Text, description: Text })
  .openapi("VideoUploaded");
export const VideoStatus = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, error_message: Text, title: Text, description: Text })
  .openapi("VideoStatus");
export const VideoListItem = z
  .object({
    id: z.number().int(),
    filename: z.string(),
    status: Status,
    created_at: Timestamp,
    updated_at: Timestamp,
    error_message: Text,
    title: Text,
    description: Text,
  })
  .openapi("VideoListItem");

export const PhotoUploaded = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, message: z.string(), width: z.number().int(), height: z.number().int() })
  .openapi("PhotoUploaded");
export const PhotoStatus = z
  .object({ id: z.number().int(), filename: z.string(), status: Status, error_message: Text, width: z.number().int(), height: z.number().int() })
  .openapi("PhotoStatus");
export const PhotoListItem = z
  .object({
    id: z.number().int(),
    filename: z.string(),
    status: Status,
    title: Text,
    description: Text,
    width: z.number().int(),
    height: z.number().int(),
    created_at: Timestamp,
    updated_at: Timestamp,
    error_message: Text,
  })
  .openapi("PhotoListItem");
