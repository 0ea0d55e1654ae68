/**
 * TikTok. Video posts go through yt-dlp (its TikTok extractor in production, the generic one against
 * fixtures). Photo posts are not videos to yt-dlp: like cobalt, we read the images from the page's own
 * data, `__UNIVERSAL_DATA_FOR_REHYDRATION__` → `webapp.video-detail` → `itemInfo.itemStruct.imagePost`.
 */
import { z } from "zod";
import { fetchPage } from "../lib/guarded-fetch.ts";
import { type Result, fail, ok } from "../lib/result.ts";
import { extractInfo } from "../lib/ytdlp.ts";
import { metadataFromInfo } from "../lib/ytdlp-info.ts";
import { type ResolveContext, type ResolvedPost, type ServiceResolver, clampId, clampTitle } from "./types.ts";

// The user may be empty: the Worker canonicalises embed and mobile links to `/@/video/<id>`.
const POST_PATH = /\/@([^/?#]*)\/(video|photo)\/(\d+)/;

/** The post id of a TikTok post URL (`…/@user/video/<id>`), or undefined for any other URL. */
export const tiktokPostId = (url: string): string | undefined => {
  try {
    return POST_PATH.exec(new URL(url).pathname)?.[3];
  } catch {
    return undefined;
  }
};

export type ListTarget = { kind: "profile" | "hashtag"; name: string };

// The shapes yt-dlp's TikTokUser and TikTokTag extractors take (`/@<user>`, `/tag/<tag>`).
const PROFILE_PATH = /^\/@([\w.-]+)\/?$/;
const TAG_PATH = /^\/tag\/([^/?#&]+)\/?$/;
/** Fixture origins (test mode) serve TikTok's paths under this prefix, as the Worker rewrites them. */
const FIXTURE_PREFIX = /^\/tiktok(?=\/)/;

/**
 * What a listing URL names: a profile or a hashtag, or undefined for anything else (a post, the home
 * page), which the `list` operation refuses before yt-dlp runs.
 */
export const tiktokListTarget = (url: URL, fixture: boolean): ListTarget | undefined => {
  const pathname = fixture ? url.pathname.replace(FIXTURE_PREFIX, "") : url.pathname;
  const profile = PROFILE_PATH.exec(pathname);
  if (profile) return { kind: "profile", name: profile[1]! };
  const tag = TAG_PATH.exec(pathname);
  const name = tag ? safeDecode(tag[1]!) : undefined;
  return name ? { kind: "hashtag", name } : undefined;
};

const safeDecode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

const itemStructSchema = z.looseObject({
  id: z.string().optional(),
  desc: z.string().optional(),
  author: z.looseObject({ uniqueId: z.string().optional(), nickname: z.string().optional() }).optional(),
  imagePost: z
    .looseObject({
      images: z.array(z.looseObject({ imageURL: z.looseObject({ urlList: z.array(z.string()) }) })),
    })
    .optional(),
});

const rehydrationSchema = z.looseObject({
  __DEFAULT_SCOPE__: z.looseObject({
    "webapp.video-detail": z
      .looseObject({
        statusCode: z.number().optional(),
        statusMsg: z.string().optional(),
        itemInfo: z.looseObject({ itemStruct: itemStructSchema }).optional(),
      })
      .optional(),
  }),
});

type ItemStruct = z.infer<typeof itemStructSchema>;

/** TikTok's status codes for posts it will not show: private accounts and posts, versus gone. */
const PRIVATE_STATUS = new Set([10216, 10222]);

export const parseRehydration = (html: string): Result<ItemStruct> => {
  const script = /<script\b[^>]*\bid=["']__UNIVERSAL_DATA_FOR_REHYDRATION__["'][^>]*>([\s\S]*?)<\/script>/i.exec(html);
  if (!script) return fail("source.unavailable", "page has no post data (removed, or TikTok changed its page)", false);
  let json: unknown;
  try {
    json = JSON.parse(script[1]!);
  } catch {
    return fail("source.unavailable", "post data is not valid JSON", false);
  }
  const parsed = rehydrationSchema.safeParse(json);
  const detail = parsed.success ? parsed.data.__DEFAULT_SCOPE__["webapp.video-detail"] : undefined;
  if (!detail) return fail("source.unavailable", "page has no video detail", false);
  if (detail.statusCode && detail.statusCode !== 0) {
    if (PRIVATE_STATUS.has(detail.statusCode)) return fail("source.private", `post is private (status ${detail.statusCode})`, false);
    return fail("source.unavailable", `post unavailable (status ${detail.statusCode} ${detail.statusMsg ?? ""})`.trim(), false);
  }
  if (!detail.itemInfo) return fail("source.unavailable", "post data has no item", false);
  return ok(detail.itemInfo.itemStruct);
};

/** Of an image's mirrors, a JPEG if there is one (others are often HEIC/WebP), else the first. */
const pickImageUrl = (urls: string[]): string | undefined => urls.find((u) => /\.jpe?g(\?|$)/i.test(u)) ?? urls[0];

const resolvePhotoPost = async (url: URL, ctx: ResolveContext, user: string, id: string): Promise<Result<ResolvedPost>> => {
  const page = await fetchPage(url.toString(), ctx.fetch);
  if (!page.ok) return page;
  const item = parseRehydration(page.value.html);
  if (!item.ok) return item;
  const images = item.value.imagePost?.images ?? [];
  const items = images.flatMap((image, index) => {
    const imageUrl = pickImageUrl(image.imageURL.urlList);
    if (!imageUrl) return [];
    try {
      return [{ kind: "image" as const, index, url: new URL(imageUrl, page.value.url).toString() }];
    } catch {
      return [];
    }
  });
  return ok({
    title: clampTitle(item.value.desc, `TikTok photo ${id}`),
    sourceId: clampId(item.value.id ?? id),
    uploader: clampId(item.value.author?.uniqueId ?? user),
    items,
  });
};

const resolveVideoPost = async (url: URL, ctx: ResolveContext, user: string | undefined, id: string | undefined): Promise<Result<ResolvedPost>> => {
  const extraction = await extractInfo(url.toString(), ctx.ytDlp, { playlist: false, maxItems: 1 });
  if (!extraction.ok) return extraction;
  const entry = extraction.value.entries[0];
  if (!entry) return fail("source.no_media", "post has no video", false);
  const metadata = metadataFromInfo(entry.info);
  // The URL's user is the handle TikTok shows; yt-dlp's `uploader` is the same handle, its
  // `uploader_id` TikTok's numeric user id in current releases.
  const handle = user ?? metadata.uploader;
  return ok({
    title: clampTitle(entry.info.title ?? extraction.value.title, `TikTok video ${id ?? entry.info.id}`),
    // The URL's id is TikTok's own; the generic extractor (tests) would report a file name instead.
    sourceId: clampId(id ?? entry.info.id),
    uploader: clampId(handle ?? entry.info.uploader_id ?? entry.info.creator),
    items: [{ kind: "video", index: 0, entry }],
    metadata: { ...metadata, ...(handle ? { uploader: clampId(handle) } : {}) },
  });
};

export const tiktok: ServiceResolver = {
  hosts: ["tiktok.com"],
  async resolve(url, ctx) {
    const m = POST_PATH.exec(url.pathname);
    const user = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    const id = m?.[3];
    if (m?.[2] === "photo") {
      // Photo posts have no video or sound track we can offer.
      if (ctx.selection.kind === "video" || ctx.selection.kind === "audio") {
        return fail("source.no_media", `a photo post has no ${ctx.selection.kind}`, false);
      }
      return resolvePhotoPost(url, ctx, user ?? "", id ?? "");
    }
    return resolveVideoPost(url, ctx, user, id);
  },
};
