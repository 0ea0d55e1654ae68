import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FixtureServer, startFixtureServer } from "../fixtures/server.ts";
import { CATALOGUE_CLIPS, CATALOGUE_END, CATALOGUE_START, CATALOGUE_USERS, FIXTURE_TAG, hashtagVideos, userVideos } from "../fixtures/tiktok-catalogue.ts";

const execFileAsync = promisify(execFile);

let fixture: FixtureServer;
beforeAll(async () => {
  fixture = await startFixtureServer();
});
afterAll(() => fixture?.close());
beforeEach(() => fixture.reset());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${fixture.origin}${path}`, { headers, redirect: "manual" });

describe("fixture server: media", () => {
  it("should listen on 127.0.0.1 only", () => {
    expect(new URL(fixture.origin).hostname).toBe("127.0.0.1");
  });

  it("should serve generated media with Content-Length, type and ranges", async () => {
    const whole = await get("/media/clip-2s.mp4");
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    const size = Number(whole.headers.get("content-length"));
    expect((await whole.arrayBuffer()).byteLength).toBe(size);

    const part = await get("/media/clip-2s.mp4", { Range: "bytes=4-11" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 4-11/${size}`);
    expect(Buffer.from(await part.arrayBuffer()).toString("latin1")).toBe("ftypisom");

    const suffix = await get("/media/clip-2s.mp4", { Range: "bytes=-10" });
    expect(suffix.status).toBe(206);
    expect((await suffix.arrayBuffer()).byteLength).toBe(10);

    const beyond = await get("/media/clip-2s.mp4", { Range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);
  });

  it("should make big files of exactly N MiB that are still playable MP4", async () => {
    const res = await get("/media/big-3mb.mp4");
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(3 * 1024 * 1024);
    const tail = await get("/media/big-3mb.mp4", { Range: `bytes=${3 * 1024 * 1024 - 4}-` });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(Buffer.alloc(4));
    const { stdout } = await execFileAsync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", `${fixture.origin}/media/big-3mb.mp4`]);
    expect(stdout.trim().split("\n")).toEqual(["h264", "aac"]);
  });

  it("should serve the YouTube renditions at their heights", async () => {
    for (const h of [144, 360, 480, 720, 1080]) {
      const { stdout } = await execFileAsync("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=height", "-of", "csv=p=0", `${fixture.origin}/media/clip-2s-${h}p.mp4`]);
      expect(Number(stdout.trim())).toBe(h);
    }
  });

  it("should throttle with ?rate= (KB/s)", async () => {
    const started = Date.now();
    const res = await get("/media/photo-1.jpg?rate=40");
    const size = (await res.arrayBuffer()).byteLength;
    expect(Date.now() - started).toBeGreaterThanOrEqual(((size / 1024 / 40) * 1000) * 0.9);
  });

  it("should 404 unknown media", async () => {
    expect((await get("/media/nope.mp4")).status).toBe(404);
    expect((await get("/media/big-0mb.mp4")).status).toBe(404);
  });
});

describe("fixture server: pages", () => {
  it("should render a TikTok video page with its title and media", async () => {
    const html = await (await get("/tiktok/@alice/video/123")).text();
    expect(html).toContain("<title>TikTok video 123</title>");
    expect(html).toContain(`<meta property="og:video" content="${fixture.origin}/media/clip-2s.mp4">`);
  });

  it.each([
    ["/tiktok/@gone/video/1", 404],
    ["/tiktok/@private/video/1", 403],
    ["/youtube/watch?v=unavailable0", 404],
    ["/instagram/p/Xabc/", 404],
  ])("should answer %s with %i", async (path, status) => {
    expect((await get(path)).status).toBe(status);
  });

  it("should point slow and big users at throttled and big media", async () => {
    expect(await (await get("/tiktok/@slow/video/1")).text()).toContain("/media/clip-2s.mp4?seconds=8");
    expect(await (await get("/tiktok/@big200mb/video/1")).text()).toContain("/media/big-200mb.mp4");
  });

  it("should carry TikTok's page data shape on photo posts", async () => {
    const html = await (await get("/tiktok/@bob/photo/99")).text();
    const json = /<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!;
    const item = JSON.parse(json).__DEFAULT_SCOPE__["webapp.video-detail"].itemInfo.itemStruct;
    expect(item).toMatchObject({ id: "99", author: { uniqueId: "bob" } });
    expect(item.imagePost.images).toHaveLength(3);
    expect(item.imagePost.images[0].imageURL.urlList[0]).toBe(`${fixture.origin}/media/photo-1.jpg`);
  });

  it.each([
    ["abc123", "https://www.tiktok.com/@shortuser/video/7100000000000000001"],
    ["evil", "http://169.254.169.254/latest/meta-data/"],
    ["offsite", "https://example.com/x"],
    ["loop", "https://vm.tiktok.com/loop/"],
  ])("should answer short link %s with a 301 to %s", async (code, location) => {
    const res = await get(`/vm.tiktok/${code}/`);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(location);
  });

  it("should list YouTube heights 144..1080 plus audio in the manifest", async () => {
    const mpd = await (await get("/youtube/manifest/abcdefghijk.mpd")).text();
    expect([...mpd.matchAll(/height="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([144, 240, 360, 480, 720, 1080]);
    expect(mpd).toContain('codecs="mp4a.40.2"');
  });

  it("should publish Instagram carousel items as og metas in post order", async () => {
    const html = await (await get("/instagram/p/Cabc/")).text();
    const metas = [...html.matchAll(/<meta property="og:(video|image)" content="([^"]+)">/g)].map((m) => m[1]);
    expect(metas).toEqual(["video", "image", "video", "image"]);
  });
});

describe("fixture server: TikTok catalogue", () => {
  const feedItems = (xml: string) =>
    [...xml.matchAll(/<item>\s*<title>([^<]*)<\/title>\s*<link>([^<]*)<\/link>\s*<description>[^<]*<\/description>\s*<pubDate>([^<]*)<\/pubDate>\s*<\/item>/g)].map((m) => ({
      title: m[1],
      link: m[2],
      time: Date.parse(m[3]!) / 1000,
    }));

  it("should serve a profile as an RSS 2.0 feed of its videos, newest first", async () => {
    const res = await get("/tiktok/@archive.alice");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/rss+xml");
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0">/);
    expect(feedItems(xml)).toEqual(
      userVideos("archive.alice")!.map((v) => ({ title: v.description, link: `${fixture.origin}/tiktok/@archive.alice/video/${v.id}`, time: v.createTime })),
    );
  });

  it("should serve a hashtag's videos from every user that used it", async () => {
    const links = feedItems(await (await get(`/tiktok/tag/${FIXTURE_TAG}`)).text()).map((i) => i.link);
    expect(links).toEqual(hashtagVideos(FIXTURE_TAG)!.map((v) => `${fixture.origin}/tiktok/@${v.author}/video/${v.id}`));
  });

  it.each(["/tiktok/@archive.nobody", "/tiktok/tag/nosuchtag"])("should answer %s with 404", async (path) => {
    expect((await get(path)).status).toBe(404);
  });

  it("should give every video a 19-digit id ordered like its time, a time in 2024-2025, and its hashtags in its description", () => {
    for (const user of CATALOGUE_USERS) {
      const videos = userVideos(user)!;
      for (const [i, v] of videos.entries()) {
        expect(v.id).toMatch(/^\d{19}$/);
        expect(v.createTime).toBeGreaterThanOrEqual(CATALOGUE_START);
        expect(v.createTime).toBeLessThan(CATALOGUE_END);
        for (const tag of v.hashtags) expect(v.description).toContain(`#${tag}`);
        const older = videos[i + 1];
        if (older) {
          expect(older.createTime).toBeLessThan(v.createTime);
          expect(BigInt(older.id)).toBeLessThan(BigInt(v.id));
        }
      }
    }
    // Months of both years, so since / until and the yyyy/mm folders have something to split.
    const months = new Set(userVideos("archive.alice")!.map((v) => new Date(v.createTime * 1000).toISOString().slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(20);
  });

  it("should carry a VideoObject with the video's metadata on a catalogue page", async () => {
    const video = userVideos("archive.bob")![0]!;
    const html = await (await get(`/tiktok/@archive.bob/video/${video.id}`)).text();
    expect(html).toContain(`<meta property="og:video" content="${fixture.origin}/tiktok/media/${video.id}.mp4">`);
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(jsonLd).toMatchObject({
      "@type": "VideoObject",
      description: video.description,
      uploadDate: new Date(video.createTime * 1000).toISOString(),
      duration: `PT${video.durationSeconds}S`,
      author: { name: "archive.bob", alternateName: video.nickname },
    });
    const counts = Object.fromEntries(
      (jsonLd.interactionStatistic as Array<{ interactionType: { "@type": string }; userInteractionCount: number }>).map((s) => [
        s.interactionType["@type"].split("/").pop(),
        s.userInteractionCount,
      ]),
    );
    expect(counts).toEqual({ WatchAction: video.views, LikeAction: video.likes, CommentAction: video.comments, ShareAction: video.shares });
  });

  it("should serve catalogue media as real portrait H.264 + AAC clips", async () => {
    for (const clip of Object.keys(CATALOGUE_CLIPS) as Array<keyof typeof CATALOGUE_CLIPS>) {
      // The TikTok-sized clip is archive.heavy's alone; the small ones are drawn by every other profile.
      const video = [...userVideos("archive.bulk")!, ...userVideos("archive.heavy")!].find((v) => v.clip === clip)!;
      const { stdout } = await execFileAsync("ffprobe", [
        "-v", "error", "-show_entries", "stream=codec_name,width,height:format=duration,size", "-of", "json", `${fixture.origin}/tiktok/media/${video.id}.mp4`,
      ]);
      const probed = JSON.parse(stdout) as { streams: Array<{ codec_name: string; width?: number; height?: number }>; format: { duration: string; size: string } };
      expect(probed.streams.map((s) => s.codec_name)).toEqual(["h264", "aac"]);
      expect(probed.streams[0]).toMatchObject({ width: CATALOGUE_CLIPS[clip].width, height: CATALOGUE_CLIPS[clip].height });
      expect(Number(probed.format.duration)).toBeCloseTo(CATALOGUE_CLIPS[clip].durationSeconds, 0);
      expect(Number(probed.format.size)).toBeGreaterThan(10_000);
    }
  });

  it("should break the flaky user's odd ids: pages 404 or media 500, the others whole", async () => {
    const flaky = userVideos("archive.flaky")!;
    const kinds = new Set(flaky.map((v) => v.broken));
    expect(kinds).toEqual(new Set([undefined, "page", "media"]));
    for (const v of flaky) {
      expect(v.broken !== undefined).toBe(Number(v.id.at(-1)) % 2 === 1);
      const page = await get(`/tiktok/@archive.flaky/video/${v.id}`);
      await page.arrayBuffer();
      const media = await get(`/tiktok/media/${v.id}.mp4`, { Range: "bytes=0-99" });
      await media.arrayBuffer();
      expect([page.status, media.status]).toEqual(v.broken === "page" ? [404, 206] : v.broken === "media" ? [200, 500] : [200, 206]);
    }
  });
});

describe("fixture server: hit counters", () => {
  it("should count requests per path and reset over HTTP", async () => {
    await get("/media/photo-2.jpg");
    await get("/media/photo-2.jpg?rate=1000");
    const hits = (await (await get("/__hits")).json()) as Record<string, number>;
    expect(hits).toEqual({ "/media/photo-2.jpg": 2 });
    expect((await fetch(`${fixture.origin}/__reset`, { method: "POST" })).status).toBe(200);
    expect(fixture.hits()).toEqual({});
  });
});
