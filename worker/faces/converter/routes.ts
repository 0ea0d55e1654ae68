/**
 * Seed 001 (media converter) under /api: health, accounts, YouTube / Instagram / TikTok convert-download-
 * delete, per-user logs, stats. Errors are `{status, message}` as documented; the HTTP status carries the
 * class of failure (400 invalid input, 401/403 auth, 404 missing, 409 exists, 5xx upstream).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { converterErrors, errorResponse, StatusMessage } from "../../lib/error-format";
import { binary, json, jsonBody as body } from "../../lib/openapi";
import { ProgressChannelHeaders } from "../../media/progress-channel";

const accountTags = ["Converter: accounts (seed 001)"];
const youtubeTags = ["Converter: YouTube (seed 001)"];
const instagramTags = ["Converter: Instagram (seed 001)"];
const tiktokTags = ["Converter: TikTok (seed 001)"];
const logTags = ["Converter: logs & stats (seed 001)"];

// ───────────── health & accounts ─────────────

export const ping = createRoute({
  method: "get",
  path: "/api/ping",
  tags: accountTags,
  summary: "Server health check",
  responses: {
    200: json(z.object({ status: z.literal("ok"), message: z.literal("server is alive") }).openapi("Ping"), "Alive"),
  },
});

export const RegisterRequest = z
  .object({
    username: z
      .string()
      .min(3)
      .max(32)
      .regex(/^[A-Za-z0-9_.-]+$/, "username may contain letters, digits, '_', '.', '-'")
      .openapi({ example: "test" }),
    email: z.string().max(254).email().openapi({ example: "test@test.com" }),
    password: z.string().min(6).max(128).openapi({ example: "test123" }),
  })
  .openapi("RegisterRequest");

export const register = createRoute({
  method: "post",
  path: "/api/register",
  tags: accountTags,
  summary: "Register (the account waits for approval)",
  description:
    "Creates a pending account; it can log in once an operator approves it (`npm run admin -- approve <username>`, or " +
    "`POST /api/admin/users/{username}/approve` with an admin token). A username or e-mail already in use answers 409 " +
    "`User already exists.`. Answers 200 on success, as the original service did.",
  request: body(RegisterRequest),
  responses: {
    200: json(StatusMessage, "Registration successful."),
    400: errorResponse(converterErrors, 400, "Invalid input"),
    409: errorResponse(converterErrors, 409, "User already exists."),
  },
});

export const LoginRequest = z
  .object({
    username: z.string().min(1).max(64).openapi({ example: "test" }),
    password: z.string().min(1).max(128).openapi({ example: "test123" }),
  })
  .openapi("LoginRequest");

export const LoginResponse = z
  .object({ status: z.literal("success"), message: z.string(), access_token: z.string(), token_type: z.literal("bearer") })
  .openapi("LoginResponse");

export const login = createRoute({
  method: "post",
  path: "/api/login",
  tags: accountTags,
  summary: "Log in and get a JWT",
  description:
    "Wrong username and wrong password give the same 401 `{status: \"invalid\"}` answer in the same time. An account that is " +
    "still waiting for approval (right password) gets 403 `{status: \"pending\"}`.",
  request: body(LoginRequest),
  responses: {
    200: json(LoginResponse, "Login successful!"),
    400: errorResponse(converterErrors, 400, "Invalid input"),
    401: errorResponse(converterErrors, 401, "Username or password is incorrect!"),
    403: errorResponse(converterErrors, 403, "Account not approved yet, or disabled"),
  },
});

export const userInfo = createRoute({
  method: "get",
  path: "/api/user_info",
  tags: accountTags,
  summary: "Validate the token and return the username",
  responses: {
    200: json(z.object({ status: z.literal("success"), user: z.string() }).openapi("UserInfo"), "The token's user"),
    401: errorResponse(converterErrors, 401, "Missing, invalid or expired token"),
  },
});

// ───────────── conversions ─────────────

export const ConvertResponse = z
  .object({ status: z.literal("success"), message: z.string(), filename: z.string() })
  .openapi("ConvertResponse", { example: { status: "success", message: "Download complete", filename: "video_title_ab12cd34.mp4" } });

export const FilenameRequest = z
  .object({ filename: z.string().min(1).max(255).openapi({ example: "video_title_ab12cd34.mp4" }) })
  .openapi("FilenameRequest");

/** Every convert route takes a progress channel: its request is the body plus the optional header. */
const convertRequest = <T extends z.ZodType>(schema: T) => ({ ...body(schema), headers: ProgressChannelHeaders });

/** Appended to each convert route's description. */
const PROGRESS_NOTE =
  " With `X-Progress-Channel: <uuid>` the conversion's progress events go to the WebSocket `GET /api/progress/{channel}`; " +
  "a header value that is not a UUID is a 400 validation error.";

const convertErrors = {
  400: errorResponse(converterErrors, 400, "Invalid input (body, or an X-Progress-Channel that is not a UUID), or a URL of another site"),
  401: errorResponse(converterErrors, 401, "Authentication required"),
  403: errorResponse(converterErrors, 403, "The post is private"),
  404: errorResponse(converterErrors, 404, "The content does not exist or has nothing of the requested type"),
  413: errorResponse(converterErrors, 413, "The media exceeds the size limit"),
  502: errorResponse(converterErrors, 502, "Fetching or converting failed, or the source site could not be reached"),
  504: errorResponse(converterErrors, 504, "Not finished in time; repeating the request joins the same conversion"),
};

export const YoutubeConvertRequest = z
  .object({
    url: z.string().max(2048).openapi({ example: "https://www.youtube.com/watch?v=dQw4w9WgXcQ" }),
    format: z.enum(["mp4", "mp3"]).openapi({ example: "mp4" }),
    resolution: z.enum(["144p", "480p", "720p", "1080p"]).optional().openapi({ example: "720p" }),
  })
  .openapi("YoutubeConvertRequest");

export const youtubeConvert = createRoute({
  method: "post",
  path: "/api/youtube/convert",
  tags: youtubeTags,
  summary: "Download and convert a YouTube video (mp4 at 144p–1080p, or mp3)",
  description:
    "Authentication required. `resolution` caps the video height (default 720p for mp4; never upscaled; ignored for mp3). " +
    "The file is named after the video title plus 8 random hex digits (`video_title_ab12cd34.mp4`). The same video with the " +
    "same options is fetched once and shared from the cache." + PROGRESS_NOTE,
  request: convertRequest(YoutubeConvertRequest),
  responses: { 200: json(ConvertResponse, "Download complete"), ...convertErrors },
});

export const InstagramConvertRequest = z
  .object({
    url: z.string().max(2048).openapi({ example: "https://www.instagram.com/p/POST_ID/" }),
    type: z.enum(["video", "image"], { error: "invalid content type" }).openapi({ example: "video" }),
  })
  .openapi("InstagramConvertRequest");

export const instagramConvert = createRoute({
  method: "post",
  path: "/api/instagram/convert",
  tags: instagramTags,
  summary: "Download Instagram content (video or image; carousels become a zip)",
  description:
    "Authentication required. A post with one item of the requested type yields `instagram_video_ab12cd34.mp4` or " +
    "`instagram_image_ab12cd34.jpg`; a carousel with several yields `instagram_ab12cd34.zip`. A `type` other than video or " +
    "image answers 400 `invalid content type`; a post with nothing of that type answers 404." + PROGRESS_NOTE,
  request: convertRequest(InstagramConvertRequest),
  responses: { 200: json(ConvertResponse, "download complete"), ...convertErrors },
});

export const TiktokConvertRequest = z
  .object({ url: z.string().max(2048).openapi({ example: "https://www.tiktok.com/@user/video/7123456789012345678" }) })
  .openapi("TiktokConvertRequest");

export const tiktokConvert = createRoute({
  method: "post",
  path: "/api/tiktok/convert",
  tags: tiktokTags,
  summary: "Download a TikTok video as MP4",
  description:
    "No authentication required (as documented); with a valid bearer token the conversion is logged to that user, and an " +
    "invalid token is refused (401). Watermark-free format preferred where available." + PROGRESS_NOTE,
  request: convertRequest(TiktokConvertRequest),
  responses: { 200: json(ConvertResponse, "Download complete"), ...convertErrors },
});

/** Download of a converted file: the same contract for each service, with its own media types. */
const downloadRoute = <P extends string>(path: P, tags: string[], summary: string, types: string[]) =>
  createRoute({
    method: "post",
    path,
    tags,
    summary,
    description:
      "Streams the file as an attachment; supports Range (206/416). Files expire after 30 minutes without access. A file " +
      "converted by a signed-in user is only served to that user (404 `File not found!` for anyone else).",
    request: body(FilenameRequest),
    responses: {
      200: binary(types, "The file"),
      206: binary(types, "A byte range"),
      400: errorResponse(converterErrors, 400, "Invalid input"),
      404: errorResponse(converterErrors, 404, "File not found!"),
      416: { description: "Range not satisfiable" },
    },
  });

const Deleted = z.object({ status: z.literal("deleted") }).openapi("Deleted");

/** Deletion of a converted file; each service documents its own not-found body. */
const deleteRoute = <P extends string, N extends z.ZodType>(path: P, tags: string[], summary: string, notFound: N, notFoundText: string) =>
  createRoute({
    method: "delete",
    path,
    tags,
    summary,
    description: "Removes the name; the stored object goes when no other name refers to it. Only the owner may delete an owned file.",
    request: body(FilenameRequest),
    responses: {
      200: json(Deleted, "Deleted"),
      400: errorResponse(converterErrors, 400, "Invalid input"),
      404: json(notFound, notFoundText),
    },
  });

export const youtubeDownload = downloadRoute("/api/youtube/download", youtubeTags, "Download a converted YouTube file", ["application/octet-stream"]);
export const youtubeDelete = deleteRoute(
  "/api/youtube/delete",
  youtubeTags,
  "Delete a converted YouTube file",
  z.object({ status: z.literal("not found") }).openapi("YoutubeNotFound"),
  "No such file",
);
export const instagramDownload = downloadRoute("/api/instagram/download", instagramTags, "Download converted Instagram content", [
  "application/zip",
  "application/octet-stream",
]);
export const instagramDelete = deleteRoute("/api/instagram/delete", instagramTags, "Delete converted Instagram content", StatusMessage, "not found");
export const tiktokDownload = downloadRoute("/api/tiktok/download", tiktokTags, "Download a converted TikTok video", ["application/octet-stream"]);
export const tiktokDelete = deleteRoute("/api/tiktok/delete", tiktokTags, "Delete a converted TikTok video", StatusMessage, "File not found");

// ───────────── logs & stats ─────────────

export const TableRequest = z
  .object({ table: z.string().max(50).openapi({ example: "youtube", description: "youtube | instagram | tiktok" }) })
  .openapi("TableRequest");

export const logs = createRoute({
  method: "post",
  path: "/api/logs",
  tags: logTags,
  summary: "Download your own conversion log for one service (text/plain)",
  description: "Authentication required. One tab-separated line per conversion: time, status, format, resolution, file name, URL, message.",
  request: body(TableRequest),
  responses: {
    200: { description: "The log", content: { "text/plain": { schema: z.string() } } },
    400: errorResponse(converterErrors, 400, "unknown table"),
    401: errorResponse(converterErrors, 401, "Authentication required"),
  },
});

export const StatsResponse = z
  .object({
    status: z.literal("success"),
    total_conversions: z.number().int(),
    number_of_mp3: z.number().int(),
    number_of_mp4: z.number().int(),
  })
  .openapi("StatsResponse");

export const stats = createRoute({
  method: "post",
  path: "/api/stats",
  tags: logTags,
  summary: "Global usage statistics of one service",
  description: "Counts successful conversions of all users.",
  request: body(TableRequest),
  responses: { 200: json(StatsResponse, "Counts"), 400: errorResponse(converterErrors, 400, "unknown table") },
});

export type PingRoute = typeof ping;
export type RegisterRoute = typeof register;
export type LoginRoute = typeof login;
export type UserInfoRoute = typeof userInfo;
export type YoutubeConvertRoute = typeof youtubeConvert;
export type InstagramConvertRoute = typeof instagramConvert;
export type TiktokConvertRoute = typeof tiktokConvert;
export type YoutubeDownloadRoute = typeof youtubeDownload;
export type InstagramDownloadRoute = typeof instagramDownload;
export type TiktokDownloadRoute = typeof tiktokDownload;
export type YoutubeDeleteRoute = typeof youtubeDelete;
export type InstagramDeleteRoute = typeof instagramDelete;
export type TiktokDeleteRoute = typeof tiktokDelete;
export type LogsRoute = typeof logs;
export type StatsRoute = typeof stats;
