/** Seed 003's health, download and file handlers: validated HTTP in, service calls, the document's bodies out. */
import type { AppRouteHandler } from "../../lib/app-context";
import { AppError } from "../../lib/errors";
import { progressChannelOf } from "../../media/progress-channel";
import { serveFile } from "../../media/serve";
import { touchFile } from "../../media/store";
import { recordLater } from "./analytics/record";
import { downloadVideo } from "./download";
import { findStudioFile } from "./files";
import type { DownloadRoute, HealthRoute, VideoRoute } from "./routes";

/** The document's `version`: clients that check it see the API they were written against. */
export const STUDIO_API_VERSION = "3.0";

export const health: AppRouteHandler<HealthRoute> = (c) =>
  c.json({ status: "healthy" as const, timestamp: new Date().toISOString(), version: STUDIO_API_VERSION }, 200);

export const download: AppRouteHandler<DownloadRoute> = async (c) => {
  const { url } = c.req.valid("json");
  const started = Date.now();
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  try {
    const { response, canonicalUrl } = await downloadVideo(c.env, url, c.get("auth")?.userId ?? null, {
      progressChannel: progressChannelOf(c.req.valid("header")),
    });
    recordLater(c.env, waitUntil, { kind: "download", ok: true, url: canonicalUrl, cacheHit: response.from_cache, durationMs: Date.now() - started });
    return c.json(response, 200);
  } catch (err) {
    recordLater(c.env, waitUntil, { kind: "download", ok: false, url: url.trim() || undefined, durationMs: Date.now() - started });
    throw err;
  }
};

export const video: AppRouteHandler<VideoRoute> = async (c) => {
  const { filename } = c.req.valid("param");
  const found = await findStudioFile(c.env, filename, c.get("auth")?.userId ?? null);
  const res =
    found &&
    (await serveFile(c.env.MEDIA, found.file, { method: c.req.method, range: c.req.header("Range"), ifNoneMatch: c.req.header("If-None-Match") }));
  if (!found || !res) throw new AppError(404, "File not found", "file.missing");
  c.executionCtx.waitUntil(touchFile(c.env, found.file));
  return res;
};
