import type { Context } from "hono";
import { requireCaller } from "../../auth/context";
import { issueAccessToken } from "../../auth/jwt";
import { authenticateUser, registerUser } from "../../auth/users";
import type { AppEnv, AppRouteHandler } from "../../lib/app-context";
import { progressChannelOf } from "../../media/progress-channel";
import { serveFile } from "../../media/serve";
import { touchFile } from "../../media/store";
import type * as R from "./routes";
import * as service from "./service";

const caller = (c: Context<AppEnv>) => requireCaller(c.get("auth"));

export const ping: AppRouteHandler<R.PingRoute> = (c) => c.json({ status: "ok" as const, message: "server is alive" as const }, 200);

export const register: AppRouteHandler<R.RegisterRoute> = async (c) => {
  const outcome = await registerUser(c.env, c.req.valid("json"));
  if (!outcome.ok) return c.json({ status: "error", message: "User already exists." }, 409);
  return c.json({ status: "success", message: "Registration successful." }, 200);
};

export const login: AppRouteHandler<R.LoginRoute> = async (c) => {
  const { username, password } = c.req.valid("json");
  const outcome = await authenticateUser(c.env, username, password);
  if (!outcome.ok) {
    if (outcome.reason === "pending") return c.json({ status: "pending", message: "Your account is waiting for approval." }, 403);
    if (outcome.reason === "disabled") return c.json({ status: "disabled", message: "Your account is disabled." }, 403);
    return c.json({ status: "invalid", message: "Username or password is incorrect!" }, 401);
  }
  const { user } = outcome;
  const token = await issueAccessToken(c.env, { userId: user.id, username: user.username, role: user.role });
  return c.json({ status: "success" as const, message: "Login successful!", access_token: token, token_type: "bearer" as const }, 200);
};

export const userInfo: AppRouteHandler<R.UserInfoRoute> = (c) => c.json({ status: "success" as const, user: caller(c).username }, 200);

const converted = (filename: string, message: string) => ({ status: "success" as const, message, filename });

export const youtubeConvert: AppRouteHandler<R.YoutubeConvertRoute> = async (c) => {
  const { filename } = await service.convertYoutube(c.env, caller(c).userId, c.req.valid("json"), {
    progressChannel: progressChannelOf(c.req.valid("header")),
  });
  return c.json(converted(filename, "Download complete"), 200);
};

export const instagramConvert: AppRouteHandler<R.InstagramConvertRoute> = async (c) => {
  const { filename } = await service.convertInstagram(c.env, caller(c).userId, c.req.valid("json"), {
    progressChannel: progressChannelOf(c.req.valid("header")),
  });
  return c.json(converted(filename, "download complete"), 200);
};

export const tiktokConvert: AppRouteHandler<R.TiktokConvertRoute> = async (c) => {
  const { filename } = await service.convertTiktok(c.env, c.get("auth")?.userId ?? null, c.req.valid("json"), {
    progressChannel: progressChannelOf(c.req.valid("header")),
  });
  return c.json(converted(filename, "Download complete"), 200);
};

/** Serve a converted file as an attachment, or the documented `File not found!`. */
async function serveConverted(c: Context<AppEnv>, svc: service.ConverterService, filename: string) {
  const found = await service.findConverted(c.env, svc, filename, c.get("auth")?.userId ?? null);
  if (!found) return undefined;
  const res = await serveFile(c.env.MEDIA, found.file, {
    method: c.req.method,
    range: c.req.header("Range"),
    ifNoneMatch: c.req.header("If-None-Match"),
    downloadName: filename,
    contentType: found.file.contentType === "application/zip" ? "application/zip" : "application/octet-stream",
  });
  if (res) c.executionCtx.waitUntil(touchFile(c.env, found.file));
  return res;
}

const fileNotFound = { status: "error", message: "File not found!" };

export const youtubeDownload: AppRouteHandler<R.YoutubeDownloadRoute> = async (c) =>
  (await serveConverted(c, "youtube", c.req.valid("json").filename)) ?? c.json(fileNotFound, 404);

export const instagramDownload: AppRouteHandler<R.InstagramDownloadRoute> = async (c) =>
  (await serveConverted(c, "instagram", c.req.valid("json").filename)) ?? c.json(fileNotFound, 404);

export const tiktokDownload: AppRouteHandler<R.TiktokDownloadRoute> = async (c) =>
  (await serveConverted(c, "tiktok", c.req.valid("json").filename)) ?? c.json(fileNotFound, 404);

// Each section documents its own not-found body for delete.
export const youtubeDelete: AppRouteHandler<R.YoutubeDeleteRoute> = async (c) =>
  (await service.deleteConverted(c.env, "youtube", c.req.valid("json").filename, c.get("auth")?.userId ?? null))
    ? c.json({ status: "deleted" as const }, 200)
    : c.json({ status: "not found" as const }, 404);

export const instagramDelete: AppRouteHandler<R.InstagramDeleteRoute> = async (c) =>
  (await service.deleteConverted(c.env, "instagram", c.req.valid("json").filename, c.get("auth")?.userId ?? null))
    ? c.json({ status: "deleted" as const }, 200)
    : c.json({ status: "error", message: "not found" }, 404);

export const tiktokDelete: AppRouteHandler<R.TiktokDeleteRoute> = async (c) =>
  (await service.deleteConverted(c.env, "tiktok", c.req.valid("json").filename, c.get("auth")?.userId ?? null))
    ? c.json({ status: "deleted" as const }, 200)
    : c.json({ status: "error", message: "File not found" }, 404);

export const logs: AppRouteHandler<R.LogsRoute> = async (c) => {
  const { table } = c.req.valid("json");
  if (!service.isConverterTable(table)) return c.json({ status: "error", message: "unknown table" }, 400);
  const me = caller(c);
  const text = await service.conversionLog(c.env, me.userId, me.username, table);
  return c.text(text, 200, { "Content-Disposition": `attachment; filename="${table}_log_${me.username}.txt"` });
};

export const stats: AppRouteHandler<R.StatsRoute> = async (c) => {
  const { table } = c.req.valid("json");
  if (!service.isConverterTable(table)) return c.json({ status: "error", message: "unknown table" }, 400);
  const s = await service.conversionStats(c.env, table);
  return c.json({ status: "success" as const, total_conversions: s.total, number_of_mp3: s.mp3, number_of_mp4: s.mp4 }, 200);
};
