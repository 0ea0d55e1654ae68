/**
 * Seed 002 (short-video platform) under /api/v1: stories, reels, likes, comments, views, videos, photos, at
 * the document's exact paths (`/reels/reels/...`, `/stories/stories/{id}/metadata`, `remove/{id}/` with and
 * without the slash). Errors are FastAPI's: `{detail}`, 422 `{detail: [{loc, msg, type}]}`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, fastApiErrors } from "../../lib/error-format";
import { binary, json, jsonBody } from "../../lib/openapi";
import { multipartBody, streamingBody } from "../../media/upload-route";
import * as S from "./schemas";
import { PHOTO_UPLOAD, PREVIEW_UPLOAD, REEL_UPLOAD, STORY_UPLOAD, VIDEO_UPLOAD } from "./uploads";

const storyTags = ["Social: stories (seed 002)"];
const reelTags = ["Social: reels (seed 002)"];
const likeTags = ["Social: likes (seed 002)"];
const commentTags = ["Social: comments (seed 002)"];
const viewTags = ["Social: views (seed 002)"];
const videoTags = ["Social: videos (seed 002)"];
const photoTags = ["Social: photos (seed 002)"];

const ACCESS_NOTE =
  " With SOCIAL_WRITE_ACCESS=user a platform credential is required and only the creator may change or remove a record.";

const uploadErrors = errorResponses(fastApiErrors, {
  400: "Malformed multipart body, unknown field, or a broken image",
  401: "A credential is required (SOCIAL_WRITE_ACCESS=user)",
  413: "A file over its size cap",
  415: "Not multipart/form-data, or a file of an unaccepted kind",
  422: "Validation error (too long a title, a missing file)",
});
const changeErrors = errorResponses(fastApiErrors, {
  401: "A credential is required (SOCIAL_WRITE_ACCESS=user)",
  403: "Not the creator (SOCIAL_WRITE_ACCESS=user)",
  404: "Not found",
  422: "Validation error",
});
const readErrors = errorResponses(fastApiErrors, { 404: "Not found", 422: "Validation error" });
const formErrors = errorResponses(fastApiErrors, {
  401: "A credential is required (SOCIAL_WRITE_ACCESS=user)",
  403: "Not the creator (SOCIAL_WRITE_ACCESS=user)",
  404: "The story or reel does not exist",
  415: "A body that is not form-encoded or JSON",
  422: "Validation error (not exactly one of story_id / reels_id, a missing user_id)",
});

/** Form fields as the document's curl sends them (`-d`: form-urlencoded, or multipart), or the same as JSON. */
const formBody = <T extends z.ZodType>(schema: T) => ({
  body: {
    required: false,
    description: "`application/x-www-form-urlencoded` (as the document's examples send it), `multipart/form-data` or JSON",
    content: { "application/x-www-form-urlencoded": { schema }, "application/json": { schema } },
  },
});

const images = ["image/jpeg", "image/png", "image/webp", "image/gif"];

// ───────────── stories ─────────────

export const storyUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/stories/upload",
  tags: storyTags,
  summary: "Create a story from several files (photos and at most one video)",
  description:
    "Files stream into storage as they arrive. `photo_ids` lists the photos in upload order, `video_id` the video (or null). " +
    "A video starts `pending` until the HLS task processes it." + ACCESS_NOTE,
  request: multipartBody(STORY_UPLOAD),
  responses: { 200: json(S.StoryCreated, "Сторис успешно создан"), ...uploadErrors },
});

export const storyList = createRoute({
  method: "get",
  path: "/api/v1/stories/list",
  tags: storyTags,
  summary: "List stories, newest first, with likes and whether `user_id` liked each",
  request: { query: S.StoriesListQuery },
  responses: { 200: json(z.array(S.Story), "Stories"), ...errorResponses(fastApiErrors, { 422: "Validation error" }) },
});

export const storyGet = createRoute({
  method: "get",
  path: "/api/v1/stories/{story_id}",
  tags: storyTags,
  summary: "One story (as an item of the list)",
  request: { params: z.object({ story_id: S.idParam("story_id") }), query: z.object({ user_id: S.StoriesListQuery.shape.user_id }) },
  responses: { 200: json(S.Story, "The story"), ...readErrors },
});

export const storyVideoStatus = createRoute({
  method: "get",
  path: "/api/v1/stories/status/{video_id}",
  tags: storyTags,
  summary: "Processing status of a story's video",
  request: { params: z.object({ video_id: S.idParam("video_id") }) },
  responses: { 200: json(S.LocalizedVideoStatus, "The video's status"), ...readErrors },
});

export const storyPreviewUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/stories/preview/{story_id}",
  tags: storyTags,
  summary: "Upload a story's preview image (replaces the previous one)",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ story_id: S.idParam("story_id") }), ...multipartBody(PREVIEW_UPLOAD) },
  responses: { 200: json(S.PreviewUploaded, "Превью успешно загружено"), ...uploadErrors, ...changeErrors },
});

export const storyPreviewGet = createRoute({
  method: "get",
  path: "/api/v1/stories/preview/{story_id}",
  tags: storyTags,
  summary: "A story's preview image (the image itself, with its type; Range supported)",
  request: { params: z.object({ story_id: S.idParam("story_id") }) },
  responses: { 200: binary(images, "The preview"), 206: binary(images, "A byte range"), 416: { description: "Range not satisfiable" }, ...readErrors },
});

export const storyMetadata = createRoute({
  method: "patch",
  path: "/api/v1/stories/stories/{story_id}/metadata",
  tags: storyTags,
  summary: "Change a story's titles and descriptions (absent fields keep their value)",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ story_id: S.idParam("story_id") }), ...jsonBody(S.MetadataRequest) },
  responses: { 200: json(S.Story, "The updated story"), ...changeErrors },
});

export const storyRemove = createRoute({
  method: "delete",
  path: "/api/v1/stories/remove/{story_id}/",
  tags: storyTags,
  summary: "Remove a story: its rows and every stored object (video, photos, preview, renditions)",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ story_id: S.idParam("story_id") }) },
  responses: { 200: json(S.Message, "Сторис успешно удален"), ...changeErrors },
});

// ───────────── reels ─────────────

export const reelUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/reels/reels/upload",
  tags: reelTags,
  summary: "Create a reel from one video",
  description: "The video starts `pending` until the HLS task processes it." + ACCESS_NOTE,
  request: multipartBody(REEL_UPLOAD),
  responses: { 200: json(S.ReelCreated, "Reels успешно создан"), ...uploadErrors },
});

export const reelList = createRoute({
  method: "get",
  path: "/api/v1/reels/reels/list",
  tags: reelTags,
  summary: "List reels: limit (default 20, max 100), offset, sort_by created_at | likes | views, order asc | desc",
  description: "Each item carries its three newest comments and `is_liked` for `user_id`.",
  request: { query: S.ReelsListQuery },
  responses: { 200: json(S.ReelsPage, "A page of reels"), ...errorResponses(fastApiErrors, { 422: "Validation error" }) },
});

export const reelGet = createRoute({
  method: "get",
  path: "/api/v1/reels/reels/{reels_id}",
  tags: reelTags,
  summary: "One reel with its video and its comments (newest 100)",
  request: { params: z.object({ reels_id: S.idParam("reels_id") }), query: z.object({ user_id: S.StoriesListQuery.shape.user_id }) },
  responses: { 200: json(S.Reel, "The reel"), ...readErrors },
});

export const reelPreviewUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/reels/reels/preview/{reels_id}",
  tags: reelTags,
  summary: "Upload a reel's preview image (replaces the previous one)",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ reels_id: S.idParam("reels_id") }), ...multipartBody(PREVIEW_UPLOAD) },
  responses: { 200: json(S.PreviewUploaded, "Превью успешно загружено"), ...uploadErrors, ...changeErrors },
});

export const reelPreviewGet = createRoute({
  method: "get",
  path: "/api/v1/reels/reels/preview/{reels_id}",
  tags: reelTags,
  summary: "A reel's preview image",
  request: { params: z.object({ reels_id: S.idParam("reels_id") }) },
  responses: { 200: binary(images, "The preview"), 206: binary(images, "A byte range"), 416: { description: "Range not satisfiable" }, ...readErrors },
});

export const reelMetadata = createRoute({
  method: "patch",
  path: "/api/v1/reels/reels/{reels_id}/metadata",
  tags: reelTags,
  summary: "Change a reel's titles and descriptions (absent fields keep their value)",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ reels_id: S.idParam("reels_id") }), ...jsonBody(S.MetadataRequest) },
  responses: { 200: json(S.Reel, "The updated reel"), ...changeErrors },
});

export const reelRemove = createRoute({
  method: "delete",
  path: "/api/v1/reels/reels/remove/{reels_id}/",
  tags: reelTags,
  summary: "Remove a reel: its rows and every stored object",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ reels_id: S.idParam("reels_id") }) },
  responses: { 200: json(S.Message, "Reels успешно удален"), ...changeErrors },
});

// ───────────── likes, comments, views ─────────────

export const likeAdd = createRoute({
  method: "post",
  path: "/api/v1/likes/add",
  tags: likeTags,
  summary: "Like a story or a reel (once per user: adding again returns the same like)",
  request: formBody(S.TargetRequest),
  responses: { 200: json(S.LikeAdded, "Лайк успешно добавлен"), ...formErrors },
});

export const likeRemove = createRoute({
  method: "delete",
  path: "/api/v1/likes/remove",
  tags: likeTags,
  summary: "Remove a like (removing one that is not there changes nothing)",
  description: ACCESS_NOTE.trim(),
  request: formBody(S.TargetRequest),
  responses: { 200: json(S.Message, "Лайк успешно удалён"), ...formErrors },
});

export const commentAdd = createRoute({
  method: "post",
  path: "/api/v1/comments/add",
  tags: commentTags,
  summary: "Comment on a story or a reel",
  request: formBody(S.CommentRequest),
  responses: { 200: json(S.CommentAdded, "Комментарий успешно добавлен"), ...formErrors },
});

export const commentList = createRoute({
  method: "get",
  path: "/api/v1/comments/list",
  tags: commentTags,
  summary: "Comments of a story or a reel, oldest first (`offset` defaults to 10, as documented)",
  description: "`count` is the target's total number of comments, not the size of the page.",
  request: { query: S.CommentsListQuery },
  responses: { 200: json(S.CommentsPage, "A page of comments"), ...readErrors },
});

export const commentRemove = createRoute({
  method: "delete",
  path: "/api/v1/comments/remove/{comment_id}",
  tags: commentTags,
  summary: "Remove a comment",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ comment_id: S.idParam("comment_id") }) },
  responses: { 200: json(S.Message, "Комментарий успешно удалён"), ...changeErrors },
});

export const viewAdd = createRoute({
  method: "post",
  path: "/api/v1/views/add",
  tags: viewTags,
  summary: "Record a view of a story or a reel",
  request: formBody(S.TargetRequest),
  responses: { 200: json(S.ViewAdded, "Просмотр успешно добавлен"), ...formErrors },
});

export const viewList = createRoute({
  method: "get",
  path: "/api/v1/views/list",
  tags: viewTags,
  summary: "Views of a story or a reel (or all views), oldest first",
  request: { query: S.ViewsListQuery },
  responses: { 200: json(S.ViewsPage, "A page of views"), ...readErrors },
});

export const viewsByUser = createRoute({
  method: "get",
  path: "/api/v1/views/user/{user_id}",
  tags: viewTags,
  summary: "A user's views",
  request: {
    params: z.object({ user_id: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ param: { name: "user_id", in: "path" } }) }),
    query: S.PageQuery,
  },
  responses: { 200: json(S.ViewsPage, "A page of views"), ...readErrors },
});

export const viewsByStory = createRoute({
  method: "get",
  path: "/api/v1/views/story/{story_id}",
  tags: viewTags,
  summary: "A story's views",
  request: { params: z.object({ story_id: S.idParam("story_id") }), query: S.PageQuery },
  responses: { 200: json(S.ViewsPage, "A page of views"), ...readErrors },
});

export const viewsByReel = createRoute({
  method: "get",
  path: "/api/v1/views/reels/{reels_id}",
  tags: viewTags,
  summary: "A reel's views",
  request: { params: z.object({ reels_id: S.idParam("reels_id") }), query: S.PageQuery },
  responses: { 200: json(S.ViewsPage, "A page of views"), ...readErrors },
});

export const viewRemove = createRoute({
  method: "delete",
  path: "/api/v1/views/remove/{view_id}",
  tags: viewTags,
  summary: "Remove a view",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ view_id: S.idParam("view_id") }) },
  responses: { 200: json(S.Message, "Просмотр успешно удалён"), ...changeErrors },
});

// ───────────── videos ─────────────

export const videoUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/video/upload",
  tags: videoTags,
  summary: "Upload a video (it starts `pending` until the HLS task processes it)",
  description: ACCESS_NOTE.trim(),
  request: multipartBody(VIDEO_UPLOAD),
  responses: { 200: json(S.VideoUploaded, "Видео успешно загружено и отправлено на обработку"), ...uploadErrors },
});

export const videoStatus = createRoute({
  method: "get",
  path: "/api/v1/video/status/{video_id}",
  tags: videoTags,
  summary: "A video's processing status",
  request: { params: z.object({ video_id: S.idParam("video_id") }) },
  responses: { 200: json(S.VideoStatus, "The status"), ...readErrors },
});

export const videoList = createRoute({
  method: "get",
  path: "/api/v1/video/list",
  tags: videoTags,
  summary: "Standalone videos, newest first",
  request: { query: S.PageQuery.extend({ limit: S.PageQuery.shape.limit.default(100) }) },
  responses: { 200: json(z.array(S.VideoListItem), "Videos"), ...errorResponses(fastApiErrors, { 422: "Validation error" }) },
});

export const videoRemove = createRoute({
  method: "delete",
  path: "/api/v1/video/remove/{video_id}/",
  tags: videoTags,
  summary: "Remove a video and every stored object of it",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ video_id: S.idParam("video_id") }) },
  responses: { 200: json(S.Message, "Видео успешно удалено"), ...changeErrors },
});

// ───────────── photos ─────────────

export const photoUpload = createRoute({
  ...streamingBody,
  method: "post",
  path: "/api/v1/photo/upload",
  tags: photoTags,
  summary: "Upload a photo (its dimensions are read from the image header; a broken image is refused)",
  description: ACCESS_NOTE.trim(),
  request: multipartBody(PHOTO_UPLOAD),
  responses: { 200: json(S.PhotoUploaded, "Фото успешно загружено"), ...uploadErrors },
});

export const photoStatus = createRoute({
  method: "get",
  path: "/api/v1/photo/status/{photo_id}",
  tags: photoTags,
  summary: "A photo's status",
  request: { params: z.object({ photo_id: S.idParam("photo_id") }) },
  responses: { 200: json(S.PhotoStatus, "The status"), ...readErrors },
});

export const photoList = createRoute({
  method: "get",
  path: "/api/v1/photo/list",
  tags: photoTags,
  summary: "Standalone photos, newest first",
  request: { query: S.PageQuery.extend({ limit: S.PageQuery.shape.limit.default(100) }) },
  responses: { 200: json(z.array(S.PhotoListItem), "Photos"), ...errorResponses(fastApiErrors, { 422: "Validation error" }) },
});

export const photoRemove = createRoute({
  method: "delete",
  path: "/api/v1/photo/remove/{photo_id}/",
  tags: photoTags,
  summary: "Remove a photo and its stored object",
  description: ACCESS_NOTE.trim(),
  request: { params: z.object({ photo_id: S.idParam("photo_id") }) },
  responses: { 200: json(S.Message, "Фото успешно удалено"), ...changeErrors },
});

export type StoryUploadRoute = typeof storyUpload;
export type StoryListRoute = typeof storyList;
export type StoryGetRoute = typeof storyGet;
export type StoryVideoStatusRoute = typeof storyVideoStatus;
export type StoryPreviewUploadRoute = typeof storyPreviewUpload;
export type StoryPreviewGetRoute = typeof storyPreviewGet;
export type StoryMetadataRoute = typeof storyMetadata;
export type StoryRemoveRoute = typeof storyRemove;
export type ReelUploadRoute = typeof reelUpload;
export type ReelListRoute = typeof reelList;
export type ReelGetRoute = typeof reelGet;
export type ReelPreviewUploadRoute = typeof reelPreviewUpload;
export type ReelPreviewGetRoute = typeof reelPreviewGet;
export type ReelMetadataRoute = typeof reelMetadata;
export type ReelRemoveRoute = typeof reelRemove;
export type LikeAddRoute = typeof likeAdd;
export type LikeRemoveRoute = typeof likeRemove;
export type CommentAddRoute = typeof commentAdd;
export type CommentListRoute = typeof commentList;
export type CommentRemoveRoute = typeof commentRemove;
export type ViewAddRoute = typeof viewAdd;
export type ViewListRoute = typeof viewList;
export type ViewsByUserRoute = typeof viewsByUser;
export type ViewsByStoryRoute = typeof viewsByStory;
export type ViewsByReelRoute = typeof viewsByReel;
export type ViewRemoveRoute = typeof viewRemove;
export type VideoUploadRoute = typeof videoUpload;
export type VideoStatusRoute = typeof videoStatus;
export type VideoListRoute = typeof videoList;
export type VideoRemoveRoute = typeof videoRemove;
export type PhotoUploadRoute = typeof photoUpload;
export type PhotoStatusRoute = typeof photoStatus;
export type PhotoListRoute = typeof photoList;
export type PhotoRemoveRoute = typeof photoRemove;
