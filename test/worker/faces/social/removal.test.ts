/**
 * Removing a story, reel, video or photo removes its rows and every R2 object it had: originals, previews,
 * and objects nobody registered (what the HLS task will write under the record's prefix), checked by
 * listing R2 after each removal.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../../support/http";
import { formEncoded, jsonOf, multipart, prefixOf, r2Keys } from "./client";
import { JPEG, mp4Bytes, PNG } from "./images";

const mp4 = { bytes: mp4Bytes(), filename: "clip.mp4", type: "video/mp4" };
const jpg = { bytes: JPEG, filename: "photo.jpg", type: "image/jpeg" };
const png = { bytes: PNG, filename: "preview.png", type: "image/png" };

/** Stands in for renditions and segments a later task writes under a video's prefix, without a files row. */
async function putRendition(prefix: string, name: string) {
  await env.MEDIA.put(`${prefix}${name}`, "#EXTM3U\n");
}

const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

describe("seed 002 — removal leaves nothing behind", () => {
  it("should remove a story's rows, its photos, video, preview, renditions and engagement", async () => {
    const story = await jsonOf<{ id: number; video_id: number; photo_ids: number[] }>(
      await multipart("/api/v1/stories/upload", [["files", mp4], ["files", jpg], ["files", png]]),
    );
    await jsonOf(await multipart(`/api/v1/stories/preview/${story.id}`, [["file", png]]));
    // A second preview replaces the first: its object goes at once.
    await jsonOf(await multipart(`/api/v1/stories/preview/${story.id}`, [["file", jpg]]));
    await jsonOf(await formEncoded("/api/v1/likes/add", `user_id=1&story_id=${story.id}`));
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=1&story_id=${story.id}&comment=x`));
    await jsonOf(await formEncoded("/api/v1/views/add", `user_id=1&story_id=${story.id}`));
    const prefix = await prefixOf("social_stories", story.id);
    const videoPrefix = await prefixOf("social_videos", story.video_id);
    await putRendition(videoPrefix, "720p/segment001.ts");
    // video + 2 photos + 1 preview (the replaced one is gone) + the rendition
    expect(await r2Keys(prefix)).toHaveLength(5);
    expect(await count("SELECT count(*) AS n FROM files WHERE substr(r2_key, 1, ?) = ?", prefix.length, prefix)).toBe(4);

    await jsonOf(await call(`/api/v1/stories/remove/${story.id}/`, { method: "DELETE" }));

    expect(await r2Keys(prefix)).toEqual([]);
    expect(await count("SELECT count(*) AS n FROM files WHERE substr(r2_key, 1, ?) = ?", prefix.length, prefix)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM social_photos WHERE story_id = ?", story.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM social_videos WHERE id = ?", story.video_id)).toBe(0);
    for (const table of ["social_likes", "social_comments", "social_views"]) {
      expect(await count(`SELECT count(*) AS n FROM ${table} WHERE story_id = ?`, story.id), table).toBe(0);
    }
  });

  it("should remove a reel's video, preview and renditions", async () => {
    const reel = await jsonOf<{ id: number; video_id: number }>(await multipart("/api/v1/reels/reels/upload", [["file", mp4]]));
    await jsonOf(await multipart(`/api/v1/reels/reels/preview/${reel.id}`, [["file", png]]));
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=1&reels_id=${reel.id}&comment=x`));
    const prefix = await prefixOf("social_reels", reel.id);
    await putRendition(await prefixOf("social_videos", reel.video_id), "master.m3u8");
    expect(await r2Keys(prefix)).toHaveLength(3);
    await jsonOf(await call(`/api/v1/reels/reels/remove/${reel.id}`, { method: "DELETE" }));
    expect(await r2Keys(prefix)).toEqual([]);
    expect(await count("SELECT count(*) AS n FROM social_comments WHERE reels_id = ?", reel.id)).toBe(0);
  });

  it("should remove a standalone video with its renditions, and a photo, from R2", async () => {
    const video = await jsonOf<{ id: number }>(await multipart("/api/v1/video/upload", [["file", mp4]]));
    const videoPrefix = await prefixOf("social_videos", video.id);
    await putRendition(videoPrefix, "480p/index.m3u8");
    expect(await r2Keys(videoPrefix)).toHaveLength(2);
    await jsonOf(await call(`/api/v1/video/remove/${video.id}/`, { method: "DELETE" }));
    expect(await r2Keys(videoPrefix)).toEqual([]);

    const photo = await jsonOf<{ id: number }>(await multipart("/api/v1/photo/upload", [["file", jpg]]));
    const photoPrefix = await prefixOf("social_photos", photo.id);
    expect(await r2Keys(photoPrefix)).toHaveLength(1);
    await jsonOf(await call(`/api/v1/photo/remove/${photo.id}/`, { method: "DELETE" }));
    expect(await r2Keys(photoPrefix)).toEqual([]);
  });

  it("should keep a story's photos when its video alone is removed", async () => {
    const story = await jsonOf<{ id: number; video_id: number }>(await multipart("/api/v1/stories/upload", [["files", mp4], ["files", jpg]]));
    const prefix = await prefixOf("social_stories", story.id);
    await jsonOf(await call(`/api/v1/video/remove/${story.video_id}/`, { method: "DELETE" }));
    expect(await r2Keys(prefix)).toHaveLength(1);
    expect(await jsonOf(await call(`/api/v1/stories/${story.id}`))).toMatchObject({ video: null, status: "ready", photos: [{ filename: "photo.jpg" }] });
  });
});
