/**
 * Every curl example of seed 002 (except HLS, built next), replayed with the document's own fields and
 * encodings, checked against the document's bodies and Russian messages. Ids are whatever the run
 * creates: the examples' literal `1` is the first record of an empty database, which a shared test
 * database is not.
 */
import { describe, expect, it } from "vitest";
import { call, postJson } from "../../support/http";
import { formEncoded, jsonOf, multipart } from "./client";
import { IMAGE_HEIGHT, IMAGE_WIDTH, JPEG, mp4Bytes, PNG } from "./images";

const mp4 = (filename: string) => ({ bytes: mp4Bytes(), filename, type: "video/mp4" });
const jpg = (filename: string) => ({ bytes: JPEG, filename, type: "image/jpeg" });

const STORY_TEXT: [string, string][] = [
  ["en_title", "My Story"],
  ["kk_title", "Менің Тарихым"],
  ["ru_title", "Моя История"],
  ["en_description", "This is my story description"],
  ["kk_description", "Бұл менің тарих сипаттамасы"],
  ["ru_description", "Это описание моей истории"],
];

async function createStory() {
  return jsonOf<{ id: number; photo_ids: number[]; video_id: number }>(
    await multipart("/api/v1/stories/upload", [["files", mp4("story1.mp4")], ["files", jpg("story2.jpg")], ...STORY_TEXT]),
  );
}

async function createReel() {
  return jsonOf<{ id: number; video_id: number }>(
    await multipart("/api/v1/reels/reels/upload", [
      ["file", mp4("reel_video.mp4")],
      ["en_title", "My Reel"],
      ["kk_title", "Менің Reel-ым"],
      ["ru_title", "Мой Reel"],
      ["en_description", "Amazing reel content"],
      ["kk_description", "Керемет reel мазмұны"],
      ["ru_description", "Потрясающий контент reel"],
    ]),
  );
}

describe("seed 002 — stories (1.1–1.8)", () => {
  it("1.1 should create a story from a video and a photo with the documented body", async () => {
    const body = await createStory();
    expect(body).toEqual({
      id: expect.any(Number),
      photo_ids: [expect.any(Number)],
      video_id: expect.any(Number),
      // The HLS task (built next) moves videos on; until then a new video is pending.
      status: "pending",
      message: "Сторис успешно создан",
      en_title: "My Story",
      kk_title: "Менің Тарихым",
      ru_title: "Моя История",
      en_description: "This is my story description",
      kk_description: "Бұл менің тарих сипаттамасы",
      ru_description: "Это описание моей истории",
      preview_thumbnail_path: null,
    });
  });

  it("1.1 (usage example) should take one video and two photos without an explicit content type", async () => {
    const body = await jsonOf<{ photo_ids: number[]; video_id: number }>(
      await multipart("/api/v1/stories/upload", [
        ["files", mp4("video.mp4")],
        ["files", jpg("photo1.jpg")],
        ["files", { bytes: PNG, filename: "photo2.png", type: "image/png" }],
        ["en_title", "My Adventure"],
        ["kk_title", "Менің Шытырман Оқиғам"],
        ["ru_title", "Мое Приключение"],
        ["en_description", "Amazing adventure story"],
        ["kk_description", "Керемет шытырман оқиға тарихы"],
        ["ru_description", "Удивительная история приключений"],
      ]),
    );
    expect(body.photo_ids).toHaveLength(2);
    expect(body.photo_ids[0]!).toBeLessThan(body.photo_ids[1]!);
    expect(body.video_id).toEqual(expect.any(Number));
  });

  it("1.2 should list stories with likes_count and is_liked for user_id", async () => {
    const story = await createStory();
    await jsonOf(await formEncoded("/api/v1/likes/add", `user_id=123&story_id=${story.id}`));
    await jsonOf(await formEncoded("/api/v1/likes/add", `user_id=456&story_id=${story.id}`));
    const list = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/stories/list?user_id=123"));
    const item = list.find((s) => s.id === story.id);
    expect(item).toEqual({
      id: story.id,
      photos: [{ id: story.photo_ids[0], filename: "story2.jpg" }],
      video: {
        id: story.video_id,
        filename: "story1.mp4",
        status: "pending",
        error_message: null,
        en_title: "My Story",
        kk_title: "Менің Тарихым",
        ru_title: "Моя История",
      },
      status: "pending",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
      updated_at: expect.any(String),
      error_message: null,
      likes_count: 2,
      preview_thumbnail_path: null,
      is_liked: true,
      en_title: "My Story",
      kk_title: "Менің Тарихым",
      ru_title: "Моя История",
      en_description: "This is my story description",
      kk_description: "Бұл менің тарих сипаттамасы",
      ru_description: "Это описание моей истории",
    });
    const other = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/stories/list?user_id=999"));
    expect(other.find((s) => s.id === story.id)).toMatchObject({ likes_count: 2, is_liked: false });
  });

  it("1.3 should answer a story's detail like an item of the list, and 404 for a missing one", async () => {
    const story = await createStory();
    const detail = await jsonOf(await call(`/api/v1/stories/${story.id}`));
    const list = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/stories/list"));
    expect(detail).toEqual(list.find((s) => s.id === story.id));
    const missing = await call("/api/v1/stories/999999999");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Сторис не найден" });
  });

  it("1.4 should report the story video's status with its localized fields", async () => {
    const story = await createStory();
    expect(await jsonOf(await call(`/api/v1/stories/status/${story.video_id}`))).toEqual({
      id: story.video_id,
      filename: "story1.mp4",
      status: "pending",
      error_message: null,
      en_title: "My Story",
      kk_title: "Менің Тарихым",
      ru_title: "Моя История",
      en_description: "This is my story description",
      kk_description: "Бұл менің тарих сипаттамасы",
      ru_description: "Это описание моей истории",
    });
  });

  it("1.5/1.6 should store a preview and serve the image itself with its content type", async () => {
    const story = await createStory();
    const none = await call(`/api/v1/stories/preview/${story.id}`);
    expect(none.status).toBe(404);
    await none.arrayBuffer();
    const uploaded = await jsonOf(await multipart(`/api/v1/stories/preview/${story.id}`, [["file", { bytes: PNG, filename: "preview.jpg", type: "image/png" }]]));
    expect(uploaded).toEqual({ id: story.id, preview_thumbnail_path: `/api/v1/stories/preview/${story.id}`, message: "Превью успешно загружено" });
    const image = await call(`/api/v1/stories/preview/${story.id}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("Content-Type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    const detail = await jsonOf(await call(`/api/v1/stories/${story.id}`));
    expect(detail.preview_thumbnail_path).toBe(`/api/v1/stories/preview/${story.id}`);
  });

  it("1.7 should change only the metadata fields sent", async () => {
    const story = await createStory();
    const res = await postJson(`/api/v1/stories/stories/${story.id}/metadata`, { en_title: "Updated Title", ru_title: "Обновленный Заголовок" }, {}, "PATCH");
    expect(await jsonOf(res)).toMatchObject({
      id: story.id,
      en_title: "Updated Title",
      ru_title: "Обновленный Заголовок",
      kk_title: "Менің Тарихым",
      en_description: "This is my story description",
      kk_description: "Бұл менің тарих сипаттамасы",
      ru_description: "Это описание моей истории",
    });
    const status = await jsonOf(await call(`/api/v1/stories/status/${story.video_id}`));
    expect(status).toMatchObject({ en_title: "Updated Title", kk_title: "Менің Тарихым" });
  });

  it("1.8 should remove a story, with and without the trailing slash", async () => {
    for (const slash of ["/", ""]) {
      const story = await createStory();
      const res = await call(`/api/v1/stories/remove/${story.id}${slash}`, { method: "DELETE" });
      expect(await jsonOf(res)).toEqual({ message: "Сторис успешно удален" });
      expect((await call(`/api/v1/stories/${story.id}`)).status).toBe(404);
      const again = await call(`/api/v1/stories/remove/${story.id}${slash}`, { method: "DELETE" });
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual({ detail: "Сторис не найден" });
    }
  });
});

describe("seed 002 — reels (2.1–2.7)", () => {
  it("2.1 should create a reel with the documented body", async () => {
    expect(await createReel()).toEqual({
      id: expect.any(Number),
      video_id: expect.any(Number),
      status: "pending",
      message: "Reels успешно создан",
      en_title: "My Reel",
      kk_title: "Менің Reel-ым",
      ru_title: "Мой Reel",
      en_description: "Amazing reel content",
      kk_description: "Керемет reel мазмұны",
      ru_description: "Потрясающий контент reel",
      preview_thumbnail_path: null,
    });
  });

  it("2.2 should list reels as {items} with the documented fields", async () => {
    const reel = await createReel();
    await jsonOf(await formEncoded("/api/v1/likes/add", `user_id=123&reels_id=${reel.id}`));
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=456&reels_id=${reel.id}&comment=Great reel!`));
    const page = await jsonOf<{ items: Record<string, unknown>[] }>(await call("/api/v1/reels/reels/list?user_id=123&limit=10&sort_by=likes&order=desc"));
    expect(page.items.length).toBeLessThanOrEqual(10);
    const item = page.items.find((r) => r.id === reel.id);
    expect(item).toEqual({
      id: reel.id,
      video_id: reel.video_id,
      status: "pending",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      error_message: null,
      en_title: "My Reel",
      kk_title: "Менің Reel-ым",
      ru_title: "Мой Reel",
      en_description: "Amazing reel content",
      kk_description: "Керемет reel мазмұны",
      ru_description: "Потрясающий контент reel",
      likes_count: 1,
      comment_count: 1,
      views_count: 0,
      preview_thumbnail_path: null,
      comments: [{ user_id: 456, text: "Great reel!", created_at: expect.any(String) }],
      is_liked: true,
    });
    // Usage example 2: without user_id nothing is liked.
    const anonymous = await jsonOf<{ items: Record<string, unknown>[] }>(await call("/api/v1/reels/reels/list?sort_by=likes&order=desc&limit=10"));
    expect(anonymous.items.every((r) => r.is_liked === false)).toBe(true);
  });

  it("2.3 should answer a reel's detail with its video and comments", async () => {
    const reel = await createReel();
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=456&reels_id=${reel.id}&comment=Great reel!`));
    expect(await jsonOf(await call(`/api/v1/reels/reels/${reel.id}`))).toMatchObject({
      id: reel.id,
      video: { id: reel.video_id, filename: "reel_video.mp4", status: "pending", error_message: null, en_title: "My Reel", kk_title: "Менің Reel-ым", ru_title: "Мой Reel" },
      status: "pending",
      error_message: null,
      likes_count: 0,
      comment_count: 1,
      preview_thumbnail_path: null,
      comments: [{ user_id: 456, text: "Great reel!", created_at: expect.any(String) }],
    });
    expect(await jsonOf(await call("/api/v1/reels/reels/999999999"), 404)).toEqual({ detail: "Reels не найден" });
  });

  it("2.4/2.5 should store and serve a reel's preview", async () => {
    const reel = await createReel();
    expect(await jsonOf(await multipart(`/api/v1/reels/reels/preview/${reel.id}`, [["file", jpg("reel_preview.jpg")]]))).toEqual({
      id: reel.id,
      preview_thumbnail_path: `/api/v1/reels/reels/preview/${reel.id}`,
      message: "Превью успешно загружено",
    });
    const image = await call(`/api/v1/reels/reels/preview/${reel.id}`);
    expect(image.headers.get("Content-Type")).toBe("image/jpeg");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(JPEG);
  });

  it("2.6 should change only the metadata fields sent (usage example 3)", async () => {
    const reel = await createReel();
    const updated = await jsonOf(await postJson(`/api/v1/reels/reels/${reel.id}/metadata`, { en_title: "Updated Cool Reel" }, {}, "PATCH"));
    expect(updated).toMatchObject({ en_title: "Updated Cool Reel", kk_title: "Менің Reel-ым", ru_description: "Потрясающий контент reel" });
    const full = {
      en_title: "Updated Reel Title",
      kk_title: "Жаңартылған Reel Тақырыбы",
      ru_title: "Обновленный заголовок Reel",
      en_description: "Updated reel description",
      kk_description: "Жаңартылған reel сипаттамасы",
      ru_description: "Обновленное описание reel",
    };
    expect(await jsonOf(await postJson(`/api/v1/reels/reels/${reel.id}/metadata`, full, {}, "PATCH"))).toMatchObject(full);
  });

  it("2.7 should remove a reel, with and without the trailing slash", async () => {
    for (const slash of ["/", ""]) {
      const reel = await createReel();
      expect(await jsonOf(await call(`/api/v1/reels/reels/remove/${reel.id}${slash}`, { method: "DELETE" }))).toEqual({ message: "Reels успешно удален" });
      expect((await call(`/api/v1/reels/reels/${reel.id}`)).status).toBe(404);
    }
  });
});

describe("seed 002 — likes, comments, views (3–5)", () => {
  it("3.1/3.2 should add a like once and remove it harmlessly twice", async () => {
    const story = await createStory();
    const add = () => formEncoded("/api/v1/likes/add", `user_id=123&story_id=${story.id}`);
    const first = await jsonOf(await add());
    expect(first).toEqual({ id: expect.any(Number), user_id: 123, story_id: story.id, reels_id: null, message: "Лайк успешно добавлен" });
    expect(await jsonOf(await add())).toEqual(first);
    expect((await jsonOf(await call(`/api/v1/stories/${story.id}?user_id=123`))).likes_count).toBe(1);
    for (let i = 0; i < 2; i++) {
      expect(await jsonOf(await formEncoded("/api/v1/likes/remove", `user_id=123&story_id=${story.id}`, "DELETE"))).toEqual({ message: "Лайк успешно удалён" });
    }
    expect(await jsonOf(await call(`/api/v1/stories/${story.id}?user_id=123`))).toMatchObject({ likes_count: 0, is_liked: false });
  });

  it("usage example: like, comment and view sent by curl -d without a content type header", async () => {
    const story = await createStory();
    // curl -d sends application/x-www-form-urlencoded by default.
    expect(await jsonOf(await formEncoded("/api/v1/likes/add", `user_id=123&story_id=${story.id}`))).toMatchObject({ user_id: 123 });
    expect(await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=123&story_id=${story.id}&comment=${encodeURIComponent("Отличная история!")}`))).toMatchObject({
      comment: "Отличная история!",
    });
    expect(await jsonOf(await formEncoded("/api/v1/views/add", `user_id=123&story_id=${story.id}`))).toMatchObject({ story_id: story.id });
    const list = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/stories/list?user_id=123"));
    expect(list.find((s) => s.id === story.id)).toMatchObject({ likes_count: 1, is_liked: true });
  });

  it("4.1–4.3 should add, list with pagination and remove comments", async () => {
    const story = await createStory();
    // The document's example sends the comment unencoded: curl passes `-d` bytes as they are.
    const added = await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=123&story_id=${story.id}&comment=Отличная история!`));
    expect(added).toEqual({
      id: expect.any(Number),
      user_id: 123,
      story_id: story.id,
      reels_id: null,
      comment: "Отличная история!",
      message: "Комментарий успешно добавлен",
    });
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=456&story_id=${story.id}&comment=Очень понравилось!`));
    await jsonOf(await formEncoded("/api/v1/comments/add", `user_id=789&story_id=${story.id}&comment=Третий`));
    const page = await jsonOf<{ count: number; comments: unknown[] }>(await call(`/api/v1/comments/list?story_id=${story.id}&limit=2&offset=0`));
    expect(page).toEqual({
      count: 3,
      comments: [
        { id: added.id, user_id: 123, story_id: story.id, reels_id: null, comment: "Отличная история!" },
        { id: expect.any(Number), user_id: 456, story_id: story.id, reels_id: null, comment: "Очень понравилось!" },
      ],
    });
    // The documented default offset is 10: three comments, none left after skipping ten.
    expect(await jsonOf(await call(`/api/v1/comments/list?story_id=${story.id}`))).toEqual({ count: 3, comments: [] });
    expect(await jsonOf(await call(`/api/v1/comments/remove/${added.id}`, { method: "DELETE" }))).toEqual({ message: "Комментарий успешно удалён" });
    expect(await jsonOf(await call(`/api/v1/comments/remove/${added.id}`, { method: "DELETE" }), 404)).toEqual({ detail: "Комментарий не найден" });
  });

  it("5.1–5.6 should add, list (by target, user, story, reel) and remove views", async () => {
    const story = await createStory();
    const reel = await createReel();
    const user = 100_000 + Math.floor(Math.random() * 1e9);
    const view = await jsonOf(await formEncoded("/api/v1/views/add", `user_id=${user}&story_id=${story.id}`));
    expect(view).toEqual({ id: expect.any(Number), user_id: user, story_id: story.id, reels_id: null, message: "Просмотр успешно добавлен" });
    await jsonOf(await formEncoded("/api/v1/views/add", `user_id=456&story_id=${story.id}`));
    await jsonOf(await formEncoded("/api/v1/views/add", `user_id=${user}&reels_id=${reel.id}`));
    expect(await jsonOf(await call(`/api/v1/views/list?story_id=${story.id}&limit=10`))).toEqual({
      count: 2,
      views: [
        { id: view.id, user_id: user, story_id: story.id, reels_id: null },
        { id: expect.any(Number), user_id: 456, story_id: story.id, reels_id: null },
      ],
    });
    expect(await jsonOf(await call(`/api/v1/views/user/${user}`))).toMatchObject({ count: 2 });
    expect(await jsonOf(await call(`/api/v1/views/story/${story.id}`))).toMatchObject({ count: 2 });
    expect(await jsonOf(await call(`/api/v1/views/reels/${reel.id}`))).toMatchObject({ count: 1, views: [{ user_id: user, reels_id: reel.id, story_id: null }] });
    expect((await jsonOf(await call(`/api/v1/reels/reels/${reel.id}`))).views_count).toBe(1);
    expect(await jsonOf(await call(`/api/v1/views/remove/${view.id}`, { method: "DELETE" }))).toEqual({ message: "Просмотр успешно удалён" });
    expect(await jsonOf(await call(`/api/v1/views/remove/${view.id}`, { method: "DELETE" }), 404)).toEqual({ detail: "Просмотр не найден" });
    expect(await jsonOf(await call(`/api/v1/views/user/${user}`))).toMatchObject({ count: 1 });
  });
});

describe("seed 002 — videos and photos (6–7)", () => {
  it("6.1–6.4 should upload, report, list and remove a video", async () => {
    const uploaded = await jsonOf<{ id: number }>(
      await multipart("/api/v1/video/upload", [["file", mp4("video.mp4")], ["title", "My Video"], ["description", "Video description"]]),
    );
    expect(uploaded).toEqual({
      id: expect.any(Number),
      filename: "video.mp4",
      status: "pending",
      message: "Видео успешно загружено и отправлено на обработку",
      title: "My Video",
      description: "Video description",
    });
    expect(await jsonOf(await call(`/api/v1/video/status/${uploaded.id}`))).toEqual({
      id: uploaded.id,
      filename: "video.mp4",
      status: "pending",
      error_message: null,
      title: "My Video",
      description: "Video description",
    });
    const list = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/video/list"));
    expect(list.find((v) => v.id === uploaded.id)).toEqual({
      id: uploaded.id,
      filename: "video.mp4",
      status: "pending",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      error_message: null,
      title: "My Video",
      description: "Video description",
    });
    expect(await jsonOf(await call(`/api/v1/video/remove/${uploaded.id}/`, { method: "DELETE" }))).toEqual({ message: "Видео успешно удалено" });
    expect(await jsonOf(await call(`/api/v1/video/status/${uploaded.id}`), 404)).toEqual({ detail: "Видео не найдено" });
  });

  it("7.1–7.4 should upload a photo (its size read from the header), report, list and remove it", async () => {
    const uploaded = await jsonOf<{ id: number }>(
      await multipart("/api/v1/photo/upload", [["file", jpg("photo.jpg")], ["title", "My Photo"], ["description", "Photo description"]]),
    );
    expect(uploaded).toEqual({ id: expect.any(Number), filename: "photo.jpg", status: "ready", message: "Фото успешно загружено", width: IMAGE_WIDTH, height: IMAGE_HEIGHT });
    expect(await jsonOf(await call(`/api/v1/photo/status/${uploaded.id}`))).toEqual({
      id: uploaded.id,
      filename: "photo.jpg",
      status: "ready",
      error_message: null,
      width: IMAGE_WIDTH,
      height: IMAGE_HEIGHT,
    });
    const list = await jsonOf<Record<string, unknown>[]>(await call("/api/v1/photo/list"));
    expect(list.find((p) => p.id === uploaded.id)).toMatchObject({
      filename: "photo.jpg",
      status: "ready",
      title: "My Photo",
      description: "Photo description",
      error_message: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(await jsonOf(await call(`/api/v1/photo/remove/${uploaded.id}/`, { method: "DELETE" }))).toEqual({ message: "Фото успешно удалено" });
    expect(await jsonOf(await call(`/api/v1/photo/remove/${uploaded.id}`, { method: "DELETE" }), 404)).toEqual({ detail: "Фото не найдено" });
  });
});
