/**
 * A TikTok post as every face that fetches posts by URL addresses it (seed 000's saver, seed 003's studio):
 * the URL resolved, and seed 000's selection of its files, so all of them share one cache entry per post.
 */
import type { FetchSelection } from "../../protocol/transcoder";
import { getConfig } from "../env";
import { AppError } from "../lib/errors";
import { resolveSource } from "../sources/resolve";
import type { ResolvedSource } from "../sources/types";
import type { MediaFetchPayload } from "./fetch-media";

/** Every file of the post, without the watermark where one is offered. */
export const TIKTOK_POST_SELECTION: FetchSelection = { kind: "any", noWatermark: true, maxItems: 35, bundle: "none" };

/** The post a URL names; 400 `URL is required` for a blank one, `Invalid TikTok URL: …` for anything else. */
export async function resolveTikTokPost(env: Env, rawUrl: string): Promise<ResolvedSource> {
  if (!rawUrl.trim()) throw new AppError(400, "URL is required", "url.missing");
  const resolved = await resolveSource(rawUrl, { allowed: ["tiktok"], fixtureOrigin: getConfig(env).fixtureOrigin });
  if (!resolved.ok) throw new AppError(400, `Invalid TikTok URL: ${resolved.message}`, resolved.code);
  return resolved.source;
}

/** The shared fetch task's payload for a post. */
export const tiktokPostFetch = (source: ResolvedSource): MediaFetchPayload => ({
  service: "tiktok",
  sourceId: source.id,
  canonicalUrl: source.canonicalUrl,
  fetchUrl: source.fetchUrl,
  select: TIKTOK_POST_SELECTION,
});
