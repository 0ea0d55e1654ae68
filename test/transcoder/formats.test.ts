import { describe, expect, it } from "vitest";
import { mp4Need } from "../../containers/transcoder/src/lib/ffmpeg.ts";
import { isWatermarked, planAudio, planVideo } from "../../containers/transcoder/src/lib/formats.ts";
import { type YtDlpVideo, ytDlpVideoSchema } from "../../containers/transcoder/src/lib/ytdlp-info.ts";

const info = (formats: Array<Record<string, unknown>>): YtDlpVideo => ytDlpVideoSchema.parse({ id: "x", title: "t", formats });

// Shaped like yt-dlp's YouTube formats, listed worst to best as yt-dlp prints them.
const youtubeFormats = [
  { format_id: "sb0", ext: "mhtml", protocol: "mhtml", vcodec: "none", acodec: "none", format_note: "storyboard" },
  { format_id: "251", ext: "webm", vcodec: "none", acodec: "opus", abr: 160 },
  { format_id: "140", ext: "m4a", vcodec: "none", acodec: "mp4a.40.2", abr: 128 },
  { format_id: "160", ext: "mp4", vcodec: "avc1.4d400c", acodec: "none", height: 144 },
  { format_id: "133", ext: "mp4", vcodec: "avc1.4d4015", acodec: "none", height: 240 },
  { format_id: "18", ext: "mp4", vcodec: "avc1.42001E", acodec: "mp4a.40.2", height: 360 },
  { format_id: "134", ext: "mp4", vcodec: "avc1.4d401e", acodec: "none", height: 360 },
  { format_id: "135", ext: "mp4", vcodec: "avc1.4d401f", acodec: "none", height: 480 },
  { format_id: "136", ext: "mp4", vcodec: "avc1.4d401f", acodec: "none", height: 720 },
  { format_id: "247", ext: "webm", vcodec: "vp9", acodec: "none", height: 720 },
  { format_id: "137", ext: "mp4", vcodec: "avc1.640028", acodec: "none", height: 1080 },
  { format_id: "248", ext: "webm", vcodec: "vp9", acodec: "none", height: 1080 },
  { format_id: "399", ext: "mp4", vcodec: "av01.0.08M.08", acodec: "none", height: 1080 },
  { format_id: "313", ext: "webm", vcodec: "vp9", acodec: "none", height: 2160 },
  { format_id: "drm", ext: "mp4", vcodec: "avc1", acodec: "none", height: 2160, has_drm: true },
];

// Shaped like current yt-dlp's TikTok formats: the watermarked download_addr ranks last here on purpose,
// so only the no-watermark rule can keep it out.
const tiktokFormats = [
  { format_id: "play_addr-0", ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024 },
  { format_id: "bytevc1_720p_1", ext: "mp4", vcodec: "h265", acodec: "aac", width: 720, height: 1280 },
  { format_id: "h264_540p_2", ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024 },
  { format_id: "download_addr-0", ext: "mp4", vcodec: "h264", acodec: "aac", width: 576, height: 1024, format_note: "watermarked" },
];

describe("planVideo", () => {
  it.each([
    { maxHeight: 144, spec: "160+140" },
    { maxHeight: 360, spec: "134+140" },
    { maxHeight: 480, spec: "135+140" },
    { maxHeight: 720, spec: "136+140" },
    { maxHeight: 1080, spec: "137+140" },
    { maxHeight: 4320, spec: "137+140" },
    { maxHeight: undefined, spec: "137+140" },
  ])("should pick H.264 $spec under maxHeight $maxHeight, merged with AAC audio", ({ maxHeight, spec }) => {
    expect(planVideo(info(youtubeFormats), { maxHeight, noWatermark: true })?.spec).toBe(spec);
  });

  it("should fall back to another mp4-capable codec, by yt-dlp's rank, when there is no H.264", () => {
    const noH264 = youtubeFormats.filter((f) => !String(f.vcodec).startsWith("avc"));
    expect(planVideo(info(noH264), { maxHeight: 1080, noWatermark: true })?.spec).toBe("399+140");
    expect(planVideo(info(noH264), { maxHeight: 720, noWatermark: true })?.spec).toBe("247+140");
  });

  it("should scale the smallest format down when every format is taller than the cap", () => {
    const tall = info(youtubeFormats.filter((f) => (f.height ?? 0) >= 720 || f.vcodec === "none"));
    const plan = planVideo(tall, { maxHeight: 480, noWatermark: true });
    expect(plan?.video.height).toBe(720);
    expect(plan?.scaleToHeight).toBe(480);
  });

  it("should skip the watermarked TikTok format when noWatermark is set", () => {
    const plan = planVideo(info(tiktokFormats), { maxHeight: undefined, noWatermark: true });
    expect(plan?.spec).toBe("h264_540p_2");
    expect(plan?.audio).toBeUndefined();
  });

  it("should allow the watermarked format when noWatermark is off", () => {
    expect(planVideo(info(tiktokFormats), { maxHeight: undefined, noWatermark: false })?.spec).toBe("download_addr-0");
  });

  it("should use a watermarked format rather than nothing", () => {
    const onlyWatermarked = info(tiktokFormats.filter((f) => f.format_id.startsWith("download")));
    expect(planVideo(onlyWatermarked, { maxHeight: undefined, noWatermark: true })?.spec).toBe("download_addr-0");
  });

  it("should take a single top-level format (the generic extractor's direct link)", () => {
    const direct = ytDlpVideoSchema.parse({ id: "clip", url: "http://x/clip.mp4", ext: "mp4", format_id: "0" });
    expect(planVideo(direct, { maxHeight: 720, noWatermark: true })?.spec).toBe("0");
  });

  it("should find no video among audio-only formats", () => {
    expect(planVideo(info(youtubeFormats.filter((f) => f.vcodec === "none")), { maxHeight: undefined, noWatermark: true })).toBeUndefined();
  });
});

describe("planAudio", () => {
  it("should take the best audio-only format", () => {
    expect(planAudio(info(youtubeFormats))?.spec).toBe("251");
  });

  it("should take the sound of the smallest muxed format when there is no audio-only one", () => {
    expect(planAudio(info(tiktokFormats))?.spec).toMatch(/^(play_addr-0|h264_540p_2|download_addr-0|bytevc1_720p_1)$/);
  });
});

describe("isWatermarked", () => {
  it.each([
    [{ format_id: "download_addr-0" }, true],
    [{ format_id: "download" }, true],
    [{ format_id: "play_addr-0", format_note: "watermarked" }, true],
    [{ format_id: "play_addr-0", format_note: "no watermark" }, false],
    [{ format_id: "h264_540p_2" }, false],
  ])("%j → %s", (format, expected) => {
    expect(isWatermarked({ ...format, has_drm: undefined } as Parameters<typeof isWatermarked>[0])).toBe(expected);
  });
});

describe("mp4Need", () => {
  const probe = (formatName: string, video: { codec: string; height: number }, audio?: string) => ({
    formatName,
    streams: [
      { index: 0, type: "video" as const, codec: video.codec, height: video.height, width: Math.round((video.height * 16) / 9) },
      ...(audio ? [{ index: 1, type: "audio" as const, codec: audio }] : []),
    ],
  });

  it("should leave an H.264/AAC mp4 alone", () => {
    expect(mp4Need(probe("mov,mp4,m4a,3gp,3g2,mj2", { codec: "h264", height: 720 }, "aac"), 720)).toBeUndefined();
  });

  it("should remux VP9/Opus from webm without re-encoding", () => {
    expect(mp4Need(probe("matroska,webm", { codec: "vp9", height: 720 }, "opus"), 1080)).toEqual({
      remux: true,
      encodeVideo: false,
      encodeAudio: false,
      scaleToHeight: undefined,
    });
  });

  it("should re-encode what mp4 cannot carry", () => {
    expect(mp4Need(probe("matroska,webm", { codec: "vp8", height: 360 }, "vorbis"), undefined)).toMatchObject({ encodeVideo: true, encodeAudio: true });
  });

  it("should re-encode and scale a video taller than the cap", () => {
    expect(mp4Need(probe("mov,mp4,m4a,3gp,3g2,mj2", { codec: "h264", height: 1080 }, "aac"), 480)).toMatchObject({
      encodeVideo: true,
      encodeAudio: false,
      scaleToHeight: 480,
    });
  });
});
