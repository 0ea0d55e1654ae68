/**
 * The `list` operation (POST /v1/list): the posts of a profile or hashtag, newest first, without
 * downloading any. yt-dlp pages through the list (its TikTokUser / TikTokTag extractors; the generic
 * one reading the fixture's RSS feeds in test mode) behind the operation's egress proxy, like `fetch`;
 * the list window decides what is kept and when to stop reading.
 */
import type { ListEntry, ListResult } from "../../../../protocol/transcoder.ts";
import { entriesToRead, listWindow } from "../lib/list-window.ts";
import { checkUrl } from "../lib/net-guard.ts";
import { type Result, ok } from "../lib/result.ts";
import { type OperationContext, defineOperation } from "../lib/run-operation.ts";
import { listFlatEntries } from "../lib/ytdlp.ts";
import type { FlatEntry } from "../lib/ytdlp-info.ts";
import { resolveListTarget } from "../resolvers/index.ts";
import { tiktokPostId } from "../resolvers/tiktok.ts";
import { clampTitle } from "../resolvers/types.ts";

const seconds = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000));

/**
 * A flat entry as a list entry: its post URL (TikTok's user extractor gives it as `url`, the generic
 * extractor as `url` and `webpage_url`) and the id in it, which is TikTok's own whatever the extractor
 * calls the entry. Entries that are not posts are dropped.
 */
export const toListEntry = (entry: FlatEntry): ListEntry | undefined => {
  const url = [entry.url, entry.webpage_url].find((u) => u !== undefined && tiktokPostId(u) !== undefined);
  const id = url === undefined ? undefined : tiktokPostId(url);
  if (url === undefined || id === undefined) return undefined;
  const title = entry.title?.trim() ? clampTitle(entry.title, "") : undefined;
  const timestamp = entry.timestamp !== undefined && Number.isFinite(entry.timestamp) ? Math.floor(entry.timestamp) : undefined;
  return { id, url, ...(title ? { title } : {}), ...(timestamp !== undefined ? { timestamp } : {}) };
};

const run = async (ctx: OperationContext<"list">): Promise<Result<ListResult>> => {
  const { request, stream, config, signal } = ctx;

  const verdict = await checkUrl(request.url, ctx.policy);
  if (!verdict.ok) return verdict;
  const target = resolveListTarget(request.service, verdict.url, ctx.policy.allowedOrigins);
  if (!target.ok) return target;

  const bounds = { limit: request.limit, since: seconds(request.since), until: seconds(request.until) };
  const window = listWindow(bounds);
  stream.progress("resolve", 0);
  const listed = await listFlatEntries(
    verdict.url.toString(),
    { config, signal, proxyUrl: ctx.proxyUrl, workDir: ctx.dir },
    {
      maxEntries: entriesToRead(bounds),
      timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
      onEntry: (flat) => {
        const entry = toListEntry(flat);
        if (!entry) return true;
        const more = window.offer(entry);
        stream.progress("resolve", (Math.min(request.limit, window.size()) / request.limit) * 100);
        return more;
      },
    },
  );
  // A TikTok account without posts is yt-dlp's error "does not have any videos posted": source.no_media.
  if (!listed.ok) return listed;
  stream.progress("resolve", 100);
  const title = listed.value.title?.trim() ? clampTitle(listed.value.title, target.value.name) : target.value.name;
  return ok({ title, entries: window.entries() });
};

export const listOperation = defineOperation({
  name: "list",
  timeoutMs: (config) => config.operationTimeoutMs,
  label: (request) => `list-${request.service}`,
  run,
});
