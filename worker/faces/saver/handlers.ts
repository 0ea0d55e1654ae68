import { AppError } from "../../lib/errors";
import type { AppRouteHandler } from "../../lib/app-context";
import { progressChannelOf } from "../../media/progress-channel";
import { serveFile } from "../../media/serve";
import { touchFile } from "../../media/store";
import type { DownloadRoute, StreamRoute } from "./routes";
import { findSavedFile, saveTikTok } from "./service";

export const download: AppRouteHandler<DownloadRoute> = async (c) => {
  const { url } = c.req.valid("json");
  const files = await saveTikTok(c.env, url, c.get("auth")?.userId, { progressChannel: progressChannelOf(c.req.valid("header")) });
  return c.json({ files }, 200);
};

export const stream: AppRouteHandler<StreamRoute> = async (c) => {
  const { filename } = c.req.valid("param");
  const found = await findSavedFile(c.env, filename);
  if (!found) throw new AppError(404, "File not found");
  const res = await serveFile(c.env.MEDIA, found.file, {
    method: c.req.method,
    range: c.req.header("Range"),
    ifNoneMatch: c.req.header("If-None-Match"),
  });
  if (!res) throw new AppError(404, "File not found");
  c.executionCtx.waitUntil(touchFile(c.env, found.file));
  return res;
};
