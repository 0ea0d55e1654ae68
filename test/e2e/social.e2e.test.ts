/**
 * Seed 002 end to end: the document's curl commands, run with the real curl against the real Worker
 * (wrangler dev), with real files made by ffmpeg. Only the host and the ids differ from the document.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, stack } from "./support/client";

const run = promisify(execFile);
let dir = "";
/** A video's status read after its upload returned: its HLS task runs meanwhile. */
const inFlight = expect.stringMatching(/^(pending|processing|ready)$/);

/** `curl <args>` as the document writes it, with localhost:8000 replaced by the stack's Worker. */
async function curl(...args: string[]): Promise<{ status: number; body: string }> {
  const base = stack().workerUrl;
  const rewritten = args.map((a) => a.replace("http://localhost:8000", base));
  const { stdout } = await run("curl", ["-s", "-w", "\n%{http_code}", ...rewritten], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

async function curlJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  const res = await curl(...args);
  expect(res.status, res.body).toBe(200);
  return JSON.parse(res.body) as T;
}

async function ffmpeg(...args: string[]) {
  await run("ffmpeg", ["-v", "error", "-y", ...args], { cwd: dir });
}

describe("short-video platform (seed 002) with curl", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "e2e-social-"));
    for (const name of ["story1.mp4", "reel_video.mp4", "video.mp4"]) {
      await ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "1", "-pix_fmt", "yuv420p", name);
    }
    for (const name of ["story2.jpg", "preview.jpg", "reel_preview.jpg", "photo.jpg"]) {
      await ffmpeg("-f", "lavfi", "-i", "testsrc=size=641x359:rate=1", "-frames:v", "1", name);
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("should run the stories examples (1.1–1.8)", async () => {
    const story = await curlJson<{ id: number; photo_ids: number[]; video_id: number; message: string }>(
      "-X", "POST", "http://localhost:8000/api/v1/stories/upload",
      "-H", "Content-Type: multipart/form-data",
      "-F", "files=@story1.mp4",
      "-F", "files=@story2.jpg",
      "-F", "en_title=My Story",
      "-F", "kk_title=Менің Тарихым",
      "-F", "ru_title=Моя История",
      "-F", "en_description=This is my story description",
      "-F", "kk_description=Бұл менің тарих сипаттамасы",
      "-F", "ru_description=Это описание моей истории",
    );
    expect(story).toMatchObject({ photo_ids: [expect.any(Number)], video_id: expect.any(Number), status: "pending", message: "Сторис успешно создан", kk_title: "Менің Тарихым" });

    const list = await curlJson<{ id: number; video: { filename: string } }[]>("-X", "GET", "http://localhost:8000/api/v1/stories/list?user_id=123");
    expect(list.find((s) => s.id === story.id)?.video.filename).toBe("story1.mp4");
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/stories/${story.id}`)).toMatchObject({ id: story.id, photos: [{ filename: "story2.jpg" }] });
    // The HLS task may already have taken the video (social-hls.e2e.test.ts follows it to the end).
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/stories/status/${story.video_id}`)).toMatchObject({ status: inFlight, ru_title: "Моя История" });

    expect(
      await curlJson("-X", "POST", `http://localhost:8000/api/v1/stories/preview/${story.id}`, "-H", "Content-Type: multipart/form-data", "-F", "file=@preview.jpg"),
    ).toEqual({ id: story.id, preview_thumbnail_path: `/api/v1/stories/preview/${story.id}`, message: "Превью успешно загружено" });
    const preview = await api(`/api/v1/stories/preview/${story.id}`);
    expect(preview.headers.get("Content-Type")).toBe("image/jpeg");
    expect((await preview.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const updated = await curlJson(
      "-X", "PATCH", `http://localhost:8000/api/v1/stories/stories/${story.id}/metadata`,
      "-H", "Content-Type: application/json",
      "-d", '{\n    "en_title": "Updated Title",\n    "ru_title": "Обновленный Заголовок"\n  }',
    );
    expect(updated).toMatchObject({ en_title: "Updated Title", ru_title: "Обновленный Заголовок", kk_title: "Менің Тарихым" });

    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/stories/remove/${story.id}/`)).toEqual({ message: "Сторис успешно удален" });
  });

  it("should run the reels examples (2.1–2.7)", async () => {
    const reel = await curlJson<{ id: number }>(
      "-X", "POST", "http://localhost:8000/api/v1/reels/reels/upload",
      "-H", "Content-Type: multipart/form-data",
      "-F", "file=@reel_video.mp4",
      "-F", "en_title=My Reel",
      "-F", "kk_title=Менің Reel-ым",
      "-F", "ru_title=Мой Reel",
      "-F", "en_description=Amazing reel content",
      "-F", "kk_description=Керемет reel мазмұны",
      "-F", "ru_description=Потрясающий контент reel",
    );
    expect(reel).toMatchObject({ message: "Reels успешно создан", status: "pending" });
    const page = await curlJson<{ items: { id: number }[] }>("-X", "GET", "http://localhost:8000/api/v1/reels/reels/list?user_id=123&limit=10&sort_by=likes&order=desc");
    expect(page.items.length).toBeLessThanOrEqual(10);
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/reels/reels/${reel.id}`)).toMatchObject({ id: reel.id, video: { filename: "reel_video.mp4" } });
    expect(
      await curlJson("-X", "POST", `http://localhost:8000/api/v1/reels/reels/preview/${reel.id}`, "-H", "Content-Type: multipart/form-data", "-F", "file=@reel_preview.jpg"),
    ).toMatchObject({ message: "Превью успешно загружено" });
    const preview = await curl("-X", "GET", `http://localhost:8000/api/v1/reels/reels/preview/${reel.id}`);
    expect(preview.status).toBe(200);
    expect(
      await curlJson("-X", "PATCH", `http://localhost:8000/api/v1/reels/reels/${reel.id}/metadata`, "-H", "Content-Type: application/json", "-d", '{"en_title": "Updated Cool Reel"}'),
    ).toMatchObject({ en_title: "Updated Cool Reel", ru_title: "Мой Reel" });
    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/reels/reels/remove/${reel.id}/`)).toEqual({ message: "Reels успешно удален" });
  });

  it("should run the likes, comments and views examples (3–5), with and without the content type header", async () => {
    const story = await curlJson<{ id: number }>("-X", "POST", "http://localhost:8000/api/v1/stories/upload", "-F", "files=@story2.jpg");
    const id = story.id;
    const like = await curlJson("-X", "POST", "http://localhost:8000/api/v1/likes/add", "-H", "Content-Type: application/x-www-form-urlencoded", "-d", `user_id=123&story_id=${id}`);
    expect(like).toEqual({ id: expect.any(Number), user_id: 123, story_id: id, reels_id: null, message: "Лайк успешно добавлен" });
    // Usage example: `curl -X POST … -d "…"` without -H sends the same form encoding.
    expect(await curlJson("-X", "POST", "http://localhost:8000/api/v1/likes/add", "-d", `user_id=123&story_id=${id}`)).toEqual(like);
    const comment = await curlJson<{ id: number }>("-X", "POST", "http://localhost:8000/api/v1/comments/add", "-d", `user_id=123&story_id=${id}&comment=Отличная история!`);
    expect(comment).toMatchObject({ comment: "Отличная история!", message: "Комментарий успешно добавлен" });
    const view = await curlJson<{ id: number }>("-X", "POST", "http://localhost:8000/api/v1/views/add", "-H", "Content-Type: application/x-www-form-urlencoded", "-d", `user_id=123&story_id=${id}`);
    expect(view).toMatchObject({ message: "Просмотр успешно добавлен" });
    const stories = await curlJson<{ id: number; likes_count: number; is_liked: boolean }[]>("-X", "GET", "http://localhost:8000/api/v1/stories/list?user_id=123");
    expect(stories.find((s) => s.id === id)).toMatchObject({ likes_count: 1, is_liked: true });
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/comments/list?story_id=${id}&limit=5&offset=0`)).toMatchObject({ count: 1 });
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/views/list?story_id=${id}&limit=10`)).toMatchObject({ count: 1 });
    expect(await curlJson("-X", "GET", "http://localhost:8000/api/v1/views/user/123")).toMatchObject({ count: expect.any(Number) });
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/views/story/${id}`)).toMatchObject({ count: 1 });
    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/comments/remove/${comment.id}`)).toEqual({ message: "Комментарий успешно удалён" });
    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/views/remove/${view.id}`)).toEqual({ message: "Просмотр успешно удалён" });
    expect(
      await curlJson("-X", "DELETE", "http://localhost:8000/api/v1/likes/remove", "-H", "Content-Type: application/x-www-form-urlencoded", "-d", `user_id=123&story_id=${id}`),
    ).toEqual({ message: "Лайк успешно удалён" });
  });

  it("should run the videos and photos examples (6–7)", async () => {
    const video = await curlJson<{ id: number }>(
      "-X", "POST", "http://localhost:8000/api/v1/video/upload", "-H", "Content-Type: multipart/form-data",
      "-F", "file=@video.mp4", "-F", "title=My Video", "-F", "description=Video description",
    );
    expect(video).toMatchObject({ filename: "video.mp4", status: "pending", message: "Видео успешно загружено и отправлено на обработку" });
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/video/status/${video.id}`)).toMatchObject({ title: "My Video", status: inFlight });
    expect(await curlJson<unknown[]>("-X", "GET", "http://localhost:8000/api/v1/video/list")).toContainEqual(expect.objectContaining({ id: video.id }));
    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/video/remove/${video.id}/`)).toEqual({ message: "Видео успешно удалено" });

    const photo = await curlJson<{ id: number }>(
      "-X", "POST", "http://localhost:8000/api/v1/photo/upload", "-H", "Content-Type: multipart/form-data",
      "-F", "file=@photo.jpg", "-F", "title=My Photo", "-F", "description=Photo description",
    );
    expect(photo).toMatchObject({ filename: "photo.jpg", status: "ready", message: "Фото успешно загружено", width: 641, height: 359 });
    expect(await curlJson("-X", "GET", `http://localhost:8000/api/v1/photo/status/${photo.id}`)).toMatchObject({ status: "ready", error_message: null });
    expect(await curlJson<unknown[]>("-X", "GET", "http://localhost:8000/api/v1/photo/list")).toContainEqual(expect.objectContaining({ id: photo.id, title: "My Photo" }));
    expect(await curlJson("-X", "DELETE", `http://localhost:8000/api/v1/photo/remove/${photo.id}/`)).toEqual({ message: "Фото успешно удалено" });
  });
});
