/**
 * GET /healthz: the tool versions prove ffmpeg and yt-dlp are installed and runnable, and `protocol`
 * says which protocol version this image speaks. The tool versions are looked up once: a health
 * check polled every few seconds should not spawn two processes each time.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Health, PROTOCOL_VERSION } from "../../../../protocol/transcoder.ts";
import type { AppContext } from "../app-context.ts";
import { ffmpegVersion } from "../lib/ffmpeg.ts";
import { sendJson } from "../lib/http-json.ts";
import { ytDlpVersion } from "../lib/ytdlp.ts";

type Versions = { ffmpeg: string | undefined; ytDlp: string | undefined };

const cache = new WeakMap<AppContext, Promise<Versions>>();

const versions = (app: AppContext): Promise<Versions> => {
  let cached = cache.get(app);
  if (!cached) {
    cached = Promise.all([ffmpegVersion(app.config.ffmpegPath, app.shutdown), ytDlpVersion(app.config, app.shutdown)]).then(
      ([ffmpeg, ytDlp]) => {
        // Do not cache a failure: the next check should look again.
        if (!ffmpeg || !ytDlp) cache.delete(app);
        return { ffmpeg, ytDlp };
      },
    );
    cache.set(app, cached);
  }
  return cached;
};

export const handleHealth = async (app: AppContext, _req: IncomingMessage, res: ServerResponse): Promise<void> => {
  const v = await versions(app);
  const ok = Boolean(v.ffmpeg && v.ytDlp);
  const health: Health = { ok, ffmpeg: v.ffmpeg ?? null, ytDlp: v.ytDlp ?? null, protocol: PROTOCOL_VERSION };
  return sendJson(res, ok ? 200 : 503, health);
};
