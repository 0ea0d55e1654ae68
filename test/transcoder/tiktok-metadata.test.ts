/**
 * Post metadata from yt-dlp's TikTok extractor, on info JSON written by hand in the shape its
 * tiktok.py produces (field names and format ids as in `_parse_aweme_video_web` of current releases,
 * and `_parse_aweme_video_app` of Debian's 2023.03.04, which says `creator` where current releases say
 * `channel`). The generic extractor's side runs end to end in fetch-tiktok.test.ts.
 */
import { describe, expect, it } from "vitest";
import { isWatermarked, planVideo } from "../../containers/transcoder/src/lib/formats.ts";
import { hashtagsIn, metadataFromInfo, parseExtraction } from "../../containers/transcoder/src/lib/ytdlp-info.ts";

const CDN = "https://v16-webapp-prime.tiktok.com/video/tos/useast2a/tos-useast2a-pve-0068";

/** `yt-dlp -J https://www.tiktok.com/@khaby.lame/video/7363345679234567890` (current release, web API). */
const webInfo = {
  id: "7363345679234567890",
  title: "When you finally understand the instructions 🤷‍♂️ #learnfromkhaby #comedy",
  description: "When you finally understand the instructions 🤷‍♂️ #learnfromkhaby #comedy",
  timestamp: 1714400000,
  duration: 15,
  view_count: 48200000,
  like_count: 3100000,
  repost_count: 41200,
  comment_count: 22100,
  save_count: 150000,
  uploader: "khaby.lame",
  uploader_id: "127905465618821121",
  channel: "Khabane lame",
  channel_id: "MS4wLjABAAAAeHWH7qyrYI6jGv3d7f8oL2yF7Xf0K7RjZsJ7c0k2kI1s3Vq2kE3bJvGmwsZ4Hh8m",
  channel_url: "https://www.tiktok.com/@MS4wLjABAAAAeHWH7qyrYI6jGv3d7f8oL2yF7Xf0K7RjZsJ7c0k2kI1s3Vq2kE3bJvGmwsZ4Hh8m",
  uploader_url: "https://www.tiktok.com/@khaby.lame",
  track: "original sound - khaby.lame",
  artists: ["Khabane lame"],
  thumbnails: [{ id: "cover", url: "https://p16-sign.tiktokcdn-us.com/cover.jpeg", preference: -1 }],
  http_headers: { Referer: "https://www.tiktok.com/@khaby.lame/video/7363345679234567890" },
  formats: [
    { format_id: "audio", url: `${CDN}/audio.m4a`, ext: "m4a", acodec: "aac", vcodec: "none" },
    { format_id: "download", url: `${CDN}/download.mp4`, ext: "mp4", vcodec: "h264", acodec: "aac", format_note: "watermarked", preference: -2, __needs_testing: true },
    { format_id: "bytevc1_720p_1054745-0", url: `${CDN}/hevc720.mp4`, ext: "mp4", vcodec: "h265", acodec: "aac", width: 720, height: 1280, tbr: 1054, filesize: 1978000, preference: -1 },
    { format_id: "h264_540p_1268355-0", url: `${CDN}/h264-540.mp4`, ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024, tbr: 1268, filesize: 2378000, preference: -1 },
    { format_id: "play", url: `${CDN}/play.mp4`, ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024 },
  ],
  webpage_url: "https://www.tiktok.com/@khaby.lame/video/7363345679234567890",
  extractor: "TikTok",
  extractor_key: "TikTok",
  _type: "video",
};

/** The same post through the app API (`_parse_aweme_video_app`), as yt-dlp 2023.03.04 reports it. */
const appInfo = {
  id: "7363345679234567890",
  title: "When you finally understand the instructions #learnfromkhaby #comedy",
  description: "When you finally understand the instructions #learnfromkhaby #comedy",
  view_count: 48200000,
  like_count: 3100000,
  repost_count: 41200,
  comment_count: 22100,
  uploader: "khaby.lame",
  creator: "Khabane lame",
  uploader_id: "127905465618821121",
  track: "original sound",
  artist: "Khabane lame",
  timestamp: 1714400000,
  duration: 15,
  formats: [
    { format_id: "download_addr-0", url: `${CDN}/dl.mp4`, ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024, format_note: "Download video, watermarked", preference: -2 },
  ],
};

const entryOf = (json: unknown) => {
  const extraction = parseExtraction(json);
  const entry = extraction?.entries[0];
  if (!entry) throw new Error("no entry");
  return entry;
};

describe("metadataFromInfo", () => {
  it("should map a current TikTok extraction: handle, nickname, counters, time, music, hashtags from the description", () => {
    expect(metadataFromInfo(entryOf(webInfo).info)).toEqual({
      description: webInfo.description,
      uploader: "khaby.lame",
      uploaderName: "Khabane lame",
      viewCount: 48200000,
      likeCount: 3100000,
      commentCount: 22100,
      shareCount: 41200,
      timestamp: 1714400000,
      tags: ["learnfromkhaby", "comedy"],
      track: "original sound - khaby.lame",
      durationSeconds: 15,
    });
  });

  it("should take the nickname from `creator` when an older release reports no `channel`", () => {
    expect(metadataFromInfo(entryOf(appInfo).info)).toMatchObject({ uploader: "khaby.lame", uploaderName: "Khabane lame", track: "original sound" });
  });

  it("should prefer the extractor's tags over the description's hashtags", () => {
    const info = entryOf({ ...webInfo, tags: ["#Comedy", "learnfromkhaby", 7] }).info;
    expect(metadataFromInfo(info).tags).toEqual(["Comedy", "learnfromkhaby"]);
  });

  it("should leave out what the extraction does not say", () => {
    expect(metadataFromInfo(entryOf({ id: "1", url: `${CDN}/x.mp4`, description: "  " }).info)).toEqual({
      description: undefined,
      uploader: undefined,
      uploaderName: undefined,
      viewCount: undefined,
      likeCount: undefined,
      commentCount: undefined,
      shareCount: undefined,
      timestamp: undefined,
      tags: undefined,
      track: undefined,
      durationSeconds: undefined,
    });
  });
});

describe("hashtagsIn", () => {
  it("should read hashtags in any script, once each, without #", () => {
    expect(hashtagsIn("я ред флаг #переписка #щитпост, #fyp #fyp #a_b.")).toEqual(["переписка", "щитпост", "fyp", "a_b"]);
  });
});

describe("watermark of the chosen format", () => {
  it("should avoid the watermarked download format when a clean one exists", () => {
    const plan = planVideo(entryOf(webInfo).info, { maxHeight: undefined, noWatermark: true });
    // H.264 at the tallest height; of the two at 1024, yt-dlp's own order decides.
    expect(plan?.video.format_id).toBe("play");
    expect(isWatermarked(plan!.video)).toBe(false);
  });

  it("should take the watermarked format when it is the only one, and say so", () => {
    const plan = planVideo(entryOf(appInfo).info, { maxHeight: undefined, noWatermark: true });
    expect(plan?.video.format_id).toBe("download_addr-0");
    expect(isWatermarked(plan!.video)).toBe(true);
  });
});
