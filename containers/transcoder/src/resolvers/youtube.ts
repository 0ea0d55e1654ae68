/**
 * YouTube: one video per URL (`--no-playlist`, so a watch URL inside a playlist still means the video).
 * The format choice (height cap, mp4, audio) happens later, from the formats yt-dlp lists here.
 */
import { fail, ok } from "../lib/result.ts";
import { extractInfo } from "../lib/ytdlp.ts";
import { type ServiceResolver, clampId, clampTitle } from "./types.ts";

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

/** The video id a YouTube URL names: `watch?v=`, `youtu.be/<id>`, `/shorts/<id>`, `/embed/<id>`, `/live/<id>`. */
export const youtubeVideoId = (url: URL): string | undefined => {
  const v = url.searchParams.get("v");
  if (v && VIDEO_ID.test(v)) return v;
  const m = /\/(?:shorts|embed|live|v)\/([A-Za-z0-9_-]{11})(?:[/?#]|$)/.exec(url.pathname) ?? (/youtu\.be$/i.test(url.hostname) ? /^\/([A-Za-z0-9_-]{11})/.exec(url.pathname) : null);
  return m?.[1];
};

export const youtube: ServiceResolver = {
  hosts: ["youtube.com", "youtu.be", "youtube-nocookie.com"],
  async resolve(url, ctx) {
    if (ctx.selection.kind === "image") return fail("source.no_media", "a YouTube video has no images to fetch", false);
    const extraction = await extractInfo(url.toString(), ctx.ytDlp, { playlist: false, maxItems: 1 });
    if (!extraction.ok) return extraction;
    const entry = extraction.value.entries[0];
    if (!entry) return fail("source.no_media", "no video at this URL", false);
    const id = youtubeVideoId(url) ?? entry.info.id;
    return ok({
      title: clampTitle(entry.info.title, `YouTube video ${id}`),
      sourceId: clampId(id),
      uploader: clampId(entry.info.uploader ?? entry.info.channel),
      items: [{ kind: "video", index: 0, entry }],
    });
  },
};
