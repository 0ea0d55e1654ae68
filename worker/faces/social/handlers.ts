/**
 * Seed 002's handlers: HTTP in (validated params, streamed multipart bodies, form or JSON fields), plain
 * calls to the services, the document's bodies out.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "@hono/zod-openapi";
import { getConfig } from "../../env";
import type { AppEnv, AppRouteHandler } from "../../lib/app-context";
import { AppError } from "../../lib/errors";
import { fastApiErrors } from "../../lib/error-format";
import { toValidationIssues } from "../../lib/validation-issues";
import { serveFile } from "../../media/serve";
import { readMultipart, type MultipartSpec, type MultipartUpload } from "../../media/uploads";
import { assertMayWrite, type Actor } from "./access";
import * as engagement from "./engagement";
import type * as R from "./routes";
import { CommentRequest, TargetRequest } from "./schemas";
import * as service from "./service";
import { PHOTO_UPLOAD, PREVIEW_UPLOAD, REEL_UPLOAD, STORY_UPLOAD, VIDEO_UPLOAD, type LocalizedField } from "./uploads";
import { asValidationFailure, InvalidInput } from "./validation";

const actorOf = (c: Context<AppEnv>): Actor => ({ caller: c.get("auth"), enforced: getConfig(c.env).SOCIAL_WRITE_ACCESS === "user" });

const validationResponse = (issues: InvalidInput["issues"]) => {
  const { status, body } = fastApiErrors.validation(issues);
  return Response.json(body, { status });
};

/** Runs `work`, answering its late validation failures in FastAPI's 422 shape. */
async function validated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof InvalidInput) throw new HTTPException(422, { res: validationResponse(err.issues) });
    throw err;
  }
}

/** Streams the request's multipart body into R2 under `keyPrefix`, as `spec` declares it. */
function upload<F extends string, T extends string>(c: Context<AppEnv>, spec: MultipartSpec<F, T>, keyPrefix: string): Promise<MultipartUpload<F, T>> {
  return readMultipart(c.env, c.req.raw, spec, { keyPrefix, retention: "keep" }).catch((err: unknown) => {
    throw asValidationFailure(err, spec);
  });
}

const first = (values: string[] | undefined): string | null => values?.[0] ?? null;

function localized(text: Record<LocalizedField, string[]>): service.Localized {
  return {
    en_title: first(text.en_title),
    kk_title: first(text.kk_title),
    ru_title: first(text.ru_title),
    en_description: first(text.en_description),
    kk_description: first(text.kk_description),
    ru_description: first(text.ru_description),
  };
}

/**
 * The form fields of likes, comments and views, from whichever encoding the request used (the validators
 * ran for form and JSON bodies); a request without any body is validated as an empty form.
 */
function formFields<S extends z.ZodType>(c: Context<AppEnv>, schema: S, valid: { json: unknown; form: unknown }): z.output<S> {
  const type = c.req.header("Content-Type") ?? "";
  if (/^application\/([a-z.-]+\+)?json/i.test(type)) return valid.json as z.output<S>;
  if (/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return valid.form as z.output<S>;
  const parsed = schema.safeParse({});
  if (parsed.success) return parsed.data as z.output<S>;
  throw new HTTPException(422, { res: validationResponse(toValidationIssues(parsed.error, "body", {})) });
}

/** A stored image served inline with its own type (Range, HEAD, ETag). */
async function serveImage(c: Context<AppEnv>, file: Awaited<ReturnType<typeof service.previewFile>>) {
  const res = await serveFile(c.env.MEDIA, file, { method: c.req.method, range: c.req.header("Range"), ifNoneMatch: c.req.header("If-None-Match") });
  if (!res) throw new AppError(404, service.MESSAGES.previewMissing, "preview.missing");
  return res;
}

// ───────────── stories ─────────────

export const storyUpload: AppRouteHandler<R.StoryUploadRoute> = async (c) => {
  const actor = actorOf(c);
  assertMayWrite(actor);
  const prefix = service.storyPrefix();
  const body = await validated(async () => {
    const { files, text } = await upload(c, STORY_UPLOAD, prefix);
    return service.createStory(c.env, actor, { uploads: files, text: localized(text), prefix });
  });
  return c.json(body, 200);
};

export const storyList: AppRouteHandler<R.StoryListRoute> = async (c) => c.json(await service.listStories(c.env, c.req.valid("query")), 200);

export const storyGet: AppRouteHandler<R.StoryGetRoute> = async (c) =>
  c.json(await service.getStory(c.env, c.req.valid("param").story_id, c.req.valid("query").user_id), 200);

export const storyVideoStatus: AppRouteHandler<R.StoryVideoStatusRoute> = async (c) =>
  c.json(await service.storyVideoStatus(c.env, c.req.valid("param").video_id), 200);

export const storyPreviewUpload: AppRouteHandler<R.StoryPreviewUploadRoute> = async (c) => {
  const story = await service.storyForChange(c.env, actorOf(c), c.req.valid("param").story_id);
  const body = await validated(async () => {
    const { files } = await upload(c, PREVIEW_UPLOAD, service.previewPrefix(story.r2Prefix));
    return service.setPreview(c.env, { kind: "story", row: story }, files[0]!);
  });
  return c.json(body, 200);
};

export const storyPreviewGet: AppRouteHandler<R.StoryPreviewGetRoute> = async (c) =>
  serveImage(c, await service.previewFile(c.env, "story", c.req.valid("param").story_id));

export const storyMetadata: AppRouteHandler<R.StoryMetadataRoute> = async (c) =>
  c.json(await service.updateStoryMetadata(c.env, actorOf(c), c.req.valid("param").story_id, c.req.valid("json")), 200);

export const storyRemove: AppRouteHandler<R.StoryRemoveRoute> = async (c) =>
  c.json(await service.removeStory(c.env, actorOf(c), c.req.valid("param").story_id), 200);

// ───────────── reels ─────────────

export const reelUpload: AppRouteHandler<R.ReelUploadRoute> = async (c) => {
  const actor = actorOf(c);
  assertMayWrite(actor);
  const prefix = service.reelPrefix();
  const body = await validated(async () => {
    const { files, text } = await upload(c, REEL_UPLOAD, prefix);
    return service.createReel(c.env, actor, { upload: files[0]!, text: localized(text), prefix });
  });
  return c.json(body, 200);
};

export const reelList: AppRouteHandler<R.ReelListRoute> = async (c) => c.json(await service.listReels(c.env, c.req.valid("query")), 200);

export const reelGet: AppRouteHandler<R.ReelGetRoute> = async (c) =>
  c.json(await service.getReel(c.env, c.req.valid("param").reels_id, c.req.valid("query").user_id), 200);

export const reelPreviewUpload: AppRouteHandler<R.ReelPreviewUploadRoute> = async (c) => {
  const reel = await service.reelForChange(c.env, actorOf(c), c.req.valid("param").reels_id);
  const body = await validated(async () => {
    const { files } = await upload(c, PREVIEW_UPLOAD, service.previewPrefix(reel.r2Prefix));
    return service.setPreview(c.env, { kind: "reel", row: reel }, files[0]!);
  });
  return c.json(body, 200);
};

export const reelPreviewGet: AppRouteHandler<R.ReelPreviewGetRoute> = async (c) =>
  serveImage(c, await service.previewFile(c.env, "reel", c.req.valid("param").reels_id));

export const reelMetadata: AppRouteHandler<R.ReelMetadataRoute> = async (c) =>
  c.json(await service.updateReelMetadata(c.env, actorOf(c), c.req.valid("param").reels_id, c.req.valid("json")), 200);

export const reelRemove: AppRouteHandler<R.ReelRemoveRoute> = async (c) =>
  c.json(await service.removeReel(c.env, actorOf(c), c.req.valid("param").reels_id), 200);

// ───────────── likes, comments, views ─────────────

export const likeAdd: AppRouteHandler<R.LikeAddRoute> = async (c) => {
  const fields = formFields(c, TargetRequest, { json: c.req.valid("json"), form: c.req.valid("form") });
  return c.json(await engagement.addLike(c.env, actorOf(c), fields), 200);
};

export const likeRemove: AppRouteHandler<R.LikeRemoveRoute> = async (c) => {
  const fields = formFields(c, TargetRequest, { json: c.req.valid("json"), form: c.req.valid("form") });
  return c.json(await engagement.removeLike(c.env, actorOf(c), fields), 200);
};

export const commentAdd: AppRouteHandler<R.CommentAddRoute> = async (c) => {
  const fields = formFields(c, CommentRequest, { json: c.req.valid("json"), form: c.req.valid("form") });
  return c.json(await engagement.addComment(c.env, actorOf(c), fields), 200);
};

export const commentList: AppRouteHandler<R.CommentListRoute> = async (c) => c.json(await engagement.listComments(c.env, c.req.valid("query")), 200);

export const commentRemove: AppRouteHandler<R.CommentRemoveRoute> = async (c) =>
  c.json(await engagement.removeComment(c.env, actorOf(c), c.req.valid("param").comment_id), 200);

export const viewAdd: AppRouteHandler<R.ViewAddRoute> = async (c) => {
  const fields = formFields(c, TargetRequest, { json: c.req.valid("json"), form: c.req.valid("form") });
  return c.json(await engagement.addView(c.env, actorOf(c), fields), 200);
};

export const viewList: AppRouteHandler<R.ViewListRoute> = async (c) => c.json(await engagement.listViews(c.env, c.req.valid("query")), 200);

export const viewsByUser: AppRouteHandler<R.ViewsByUserRoute> = async (c) =>
  c.json(await engagement.listViews(c.env, { ...c.req.valid("query"), user_id: c.req.valid("param").user_id }), 200);

export const viewsByStory: AppRouteHandler<R.ViewsByStoryRoute> = async (c) =>
  c.json(await engagement.viewsOfTarget(c.env, { ...c.req.valid("query"), story_id: c.req.valid("param").story_id }), 200);

export const viewsByReel: AppRouteHandler<R.ViewsByReelRoute> = async (c) =>
  c.json(await engagement.viewsOfTarget(c.env, { ...c.req.valid("query"), reels_id: c.req.valid("param").reels_id }), 200);

export const viewRemove: AppRouteHandler<R.ViewRemoveRoute> = async (c) =>
  c.json(await engagement.removeView(c.env, actorOf(c), c.req.valid("param").view_id), 200);

// ───────────── videos and photos ─────────────

export const videoUpload: AppRouteHandler<R.VideoUploadRoute> = async (c) => {
  const actor = actorOf(c);
  assertMayWrite(actor);
  const prefix = service.videoPrefix();
  const body = await validated(async () => {
    const { files, text } = await upload(c, VIDEO_UPLOAD, prefix);
    return service.createVideo(c.env, actor, { upload: files[0]!, title: first(text.title), description: first(text.description), prefix });
  });
  return c.json(body, 200);
};

export const videoStatus: AppRouteHandler<R.VideoStatusRoute> = async (c) => c.json(await service.videoStatus(c.env, c.req.valid("param").video_id), 200);

export const videoList: AppRouteHandler<R.VideoListRoute> = async (c) => c.json(await service.listVideos(c.env, c.req.valid("query")), 200);

export const videoRemove: AppRouteHandler<R.VideoRemoveRoute> = async (c) =>
  c.json(await service.removeVideo(c.env, actorOf(c), c.req.valid("param").video_id), 200);

export const photoUpload: AppRouteHandler<R.PhotoUploadRoute> = async (c) => {
  const actor = actorOf(c);
  assertMayWrite(actor);
  const prefix = service.photoPrefix();
  const body = await validated(async () => {
    const { files, text } = await upload(c, PHOTO_UPLOAD, prefix);
    return service.createPhoto(c.env, actor, { upload: files[0]!, title: first(text.title), description: first(text.description), prefix });
  });
  return c.json(body, 200);
};

export const photoStatus: AppRouteHandler<R.PhotoStatusRoute> = async (c) => c.json(await service.photoStatus(c.env, c.req.valid("param").photo_id), 200);

export const photoList: AppRouteHandler<R.PhotoListRoute> = async (c) => c.json(await service.listPhotos(c.env, c.req.valid("query")), 200);

export const photoRemove: AppRouteHandler<R.PhotoRemoveRoute> = async (c) =>
  c.json(await service.removePhoto(c.env, actorOf(c), c.req.valid("param").photo_id), 200);
