/**
 * Refusals in FastAPI's shapes: 422 `{detail: [{loc, msg, type}]}` for invalid fields (multipart ones
 * included, which no zod validator reads), `{detail}` otherwise; a refused upload leaves nothing in R2.
 */
import { describe, expect, it } from "vitest";
import { call, postJson } from "../../support/http";
import { formEncoded, jsonOf, multipart, prefixOf, r2Keys } from "./client";
import { IMAGE_HEIGHT, IMAGE_WIDTH, JPEG, jpegWithMetadata, mp4Bytes } from "./images";

const mp4 = { bytes: mp4Bytes(), filename: "clip.mp4", type: "video/mp4" };
const jpg = { bytes: JPEG, filename: "photo.jpg", type: "image/jpeg" };

async function storyKeys(): Promise<string[]> {
  return r2Keys("social/stories/");
}

describe("seed 002 — validation", () => {
  it.each([
    ["en_title", 101, "ensure this value has at most 100 characters"],
    ["kk_title", 101, "ensure this value has at most 100 characters"],
    ["ru_title", 101, "ensure this value has at most 100 characters"],
    ["en_description", 1001, "ensure this value has at most 1000 characters"],
    ["ru_description", 1001, "ensure this value has at most 1000 characters"],
  ])("should refuse a story whose %s has %i characters with 422 at that field", async (field, length, msg) => {
    const before = await storyKeys();
    const res = await multipart("/api/v1/stories/upload", [["files", mp4], [field, "я".repeat(length)]]);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ detail: [{ loc: ["body", field], msg, type: "value_error.any_str.max_length" }] });
    expect(await storyKeys()).toEqual(before);
  });

  it("should accept titles of exactly 100 characters (counted as characters, not bytes)", async () => {
    const body = await jsonOf(await multipart("/api/v1/stories/upload", [["files", jpg], ["kk_title", "Ә".repeat(100)], ["en_description", "d".repeat(1000)]]));
    expect(body.kk_title).toBe("Ә".repeat(100));
  });

  it("should refuse a story without files, and with two videos, with 422 and keep nothing", async () => {
    const before = await storyKeys();
    const none = await multipart("/api/v1/stories/upload", [["en_title", "x"]]);
    expect(none.status).toBe(422);
    expect(await none.json()).toEqual({ detail: [{ loc: ["body", "files"], msg: "field required", type: "value_error.missing" }] });
    const two = await multipart("/api/v1/stories/upload", [["files", mp4], ["files", jpg], ["files", mp4]]);
    expect(two.status).toBe(422);
    expect(await two.json()).toEqual({ detail: [{ loc: ["body", "files"], msg: "a story has at most one video", type: "value_error.too_many_videos" }] });
    expect(await storyKeys()).toEqual(before);
  });

  it("should refuse an upload that is not multipart with 415 in FastAPI's shape", async () => {
    for (const path of ["/api/v1/stories/upload", "/api/v1/reels/reels/upload", "/api/v1/video/upload", "/api/v1/photo/upload"]) {
      const res = await postJson(path, { files: "x" });
      expect(res.status, path).toBe(415);
      expect(await res.json()).toEqual({ detail: expect.any(String) });
    }
  });

  it("should refuse a photo that is not an image, and a broken image, keeping nothing", async () => {
    const before = await r2Keys("social/photos/");
    const notImage = await multipart("/api/v1/photo/upload", [["file", mp4]]);
    expect(notImage.status).toBe(415);
    // JPEG magic bytes (the upload guard lets it through) but no frame header: measured and refused.
    const broken = Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, ...new Array<number>(64).fill(1)]);
    const res = await multipart("/api/v1/photo/upload", [["file", { bytes: broken, filename: "broken.jpg", type: "image/jpeg" }]]);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: expect.stringMatching(/^Некорректное изображение: /) });
    expect(await r2Keys("social/photos/")).toEqual(before);
  });

  it("should measure a JPEG whose frame header sits behind 300 KB of metadata (ranged reads from R2)", async () => {
    const res = await multipart("/api/v1/photo/upload", [["file", { bytes: jpegWithMetadata(300_000), filename: "exif.jpg", type: "image/jpeg" }]]);
    expect(await jsonOf(res)).toMatchObject({ width: IMAGE_WIDTH, height: IMAGE_HEIGHT });
  });

  it("should refuse a broken story photo and a broken preview, keeping what was there", async () => {
    const broken = { bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]), filename: "x.png", type: "image/png" };
    const before = await storyKeys();
    expect((await multipart("/api/v1/stories/upload", [["files", mp4], ["files", broken]])).status).toBe(400);
    expect(await storyKeys()).toEqual(before);
    const story = await jsonOf<{ id: number }>(await multipart("/api/v1/stories/upload", [["files", jpg]]));
    const prefix = await prefixOf("social_stories", story.id);
    const keys = await r2Keys(prefix);
    expect((await multipart(`/api/v1/stories/preview/${story.id}`, [["file", broken]])).status).toBe(400);
    expect(await r2Keys(prefix)).toEqual(keys);
  });

  it.each([
    ["both targets", "user_id=1&story_id=1&reels_id=1"],
    ["no target", "user_id=1"],
  ])("should refuse a like with %s with 422", async (_name, body) => {
    for (const path of ["/api/v1/likes/add", "/api/v1/views/add"]) {
      const res = await formEncoded(path, body);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ detail: [{ loc: ["body", "story_id"], msg: "exactly one of story_id or reels_id is required", type: "value_error" }] });
    }
    const comment = await formEncoded("/api/v1/comments/add", `${body}&comment=hi`);
    expect(comment.status).toBe(422);
  });

  it("should refuse missing or non-integer user ids with 422 (form, JSON, and no body at all)", async () => {
    const missing = await formEncoded("/api/v1/likes/add", "story_id=1");
    expect(missing.status).toBe(422);
    expect(await missing.json()).toEqual({ detail: [expect.objectContaining({ loc: ["body", "user_id"], msg: "field required" })] });
    const text = await formEncoded("/api/v1/likes/add", "user_id=abc&story_id=1");
    expect(text.status).toBe(422);
    expect(((await text.json()) as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(["body", "user_id"]);
    const empty = await call("/api/v1/likes/add", { method: "POST" });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { detail: { loc: unknown[] }[] }).detail.map((d) => d.loc)).toContainEqual(["body", "user_id"]);
  });

  it("should accept the same fields as JSON and as multipart form fields", async () => {
    const story = await jsonOf<{ id: number }>(await multipart("/api/v1/stories/upload", [["files", jpg]]));
    expect(await jsonOf(await postJson("/api/v1/likes/add", { user_id: 7, story_id: story.id }))).toMatchObject({ user_id: 7, story_id: story.id });
    expect(await jsonOf(await multipart("/api/v1/views/add", [["user_id", "8"], ["story_id", String(story.id)]]))).toMatchObject({ user_id: 8 });
  });

  it("should answer a like, comment or view of a missing target with 404", async () => {
    expect(await jsonOf(await formEncoded("/api/v1/likes/add", "user_id=1&story_id=999999999"), 404)).toEqual({ detail: "Сторис не найден" });
    expect(await jsonOf(await formEncoded("/api/v1/comments/add", "user_id=1&reels_id=999999999&comment=x"), 404)).toEqual({ detail: "Reels не найден" });
    expect(await jsonOf(await formEncoded("/api/v1/views/add", "user_id=1&reels_id=999999999"), 404)).toEqual({ detail: "Reels не найден" });
    expect(await jsonOf(await call("/api/v1/views/story/999999999"), 404)).toEqual({ detail: "Сторис не найден" });
  });

  it("should refuse a too long metadata title, and a non-integer id in the path, with 422", async () => {
    const story = await jsonOf<{ id: number }>(await multipart("/api/v1/stories/upload", [["files", jpg]]));
    const res = await postJson(`/api/v1/stories/stories/${story.id}/metadata`, { en_title: "x".repeat(101) }, {}, "PATCH");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ detail: [{ loc: ["body", "en_title"], msg: "ensure this value has at most 100 characters", type: "value_error.any_str.max_length" }] });
    const path = await call("/api/v1/stories/abc");
    expect(path.status).toBe(422);
    expect(((await path.json()) as { detail: { loc: unknown[] }[] }).detail[0]!.loc).toEqual(["path", "story_id"]);
  });

  it("should refuse reel list parameters outside the documented ranges with 422", async () => {
    for (const qs of ["limit=101", "limit=0", "sort_by=title", "order=up", "offset=-1"]) {
      const res = await call(`/api/v1/reels/reels/list?${qs}`);
      expect(res.status, qs).toBe(422);
      expect(await res.json()).toEqual({ detail: [expect.objectContaining({ loc: ["query", qs.split("=")[0]] })] });
    }
  });
});
