/**
 * Instagram: posts, reels and carousels. Images come from the page's `og:image` metas, videos from
 * yt-dlp. The page lists both in post order, which gives every item its index; yt-dlp is only asked
 * when videos are wanted and the page shows there are some (or shows nothing at all).
 */
import { fetchPage } from "../lib/guarded-fetch.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import type { YtDlpEntry } from "../lib/ytdlp-info.ts";
import { extractInfo } from "../lib/ytdlp.ts";
import { firstMeta, metaTags, openGraphMedia } from "./page-meta.ts";
import { type PostItem, type ResolvedPost, type ServiceResolver, clampId, clampTitle } from "./types.ts";

const SHORTCODE = /\/(?:p|reel|reels|tv)\/([A-Za-z0-9_-]+)/;

/**
 * Lays yt-dlp's video entries onto the page's video slots, in order. Entries beyond the slots (a page
 * that does not announce its videos) come first, as yt-dlp saw them, followed by the images.
 */
export const arrangeItems = (slots: Array<{ kind: "video" | "image"; url: string }>, entries: YtDlpEntry[]): PostItem[] => {
  const videoSlots = slots.filter((s) => s.kind === "video").length;
  if (videoSlots === 0 && entries.length > 0) {
    const images = slots.filter((s) => s.kind === "image");
    return [
      ...entries.map((entry, index): PostItem => ({ kind: "video", index, entry })),
      ...images.map((s, i): PostItem => ({ kind: "image", index: entries.length + i, url: s.url })),
    ];
  }
  const items: PostItem[] = [];
  let next = 0;
  slots.forEach((slot, index) => {
    if (slot.kind === "image") items.push({ kind: "image", index, url: slot.url });
    else {
      const entry = entries[next++];
      if (entry) items.push({ kind: "video", index, entry });
    }
  });
  return items;
};

export const instagram: ServiceResolver = {
  hosts: ["instagram.com"],
  async resolve(url, ctx): Promise<Result<ResolvedPost>> {
    const code = SHORTCODE.exec(url.pathname)?.[1];
    const page = await fetchPage(url.toString(), ctx.fetch);
    if (!page.ok) return page;
    const tags = metaTags(page.value.html);
    const slots = openGraphMedia(tags, page.value.url);
    const wantsVideo = ctx.selection.kind !== "image";
    const pageShowsVideo = slots.some((s) => s.kind === "video");

    let entries: YtDlpEntry[] = [];
    let extractedTitle: string | undefined;
    let uploader: string | undefined;
    if (wantsVideo && (pageShowsVideo || slots.length === 0)) {
      const extraction = await extractInfo(url.toString(), ctx.ytDlp, { playlist: true, maxItems: ctx.selection.maxItems });
      if (extraction.ok) {
        entries = extraction.value.entries;
        extractedTitle = extraction.value.title;
        uploader = extraction.value.uploader ?? entries[0]?.info.uploader;
      } else if (slots.length === 0 || !["source.no_media", "source.unsupported"].includes(extraction.error.code)) {
        return extraction;
      }
    }
    const items = arrangeItems(slots, entries);
    if (items.length === 0) return fail("source.no_media", "post has no images or videos", false);
    return ok({
      title: clampTitle(firstMeta(tags, "og:title") ?? extractedTitle, `Instagram post ${code ?? ""}`.trim()),
      sourceId: clampId(code),
      uploader: clampId(uploader),
      items,
    });
  },
};
