/**
 * Seed 001 end to end: accounts with operator approval, YouTube / Instagram / TikTok conversions through
 * the real transcoder, downloads, deletes, logs, stats.
 */
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { adminCli } from "./support/admin-cli";
import { api, postJson, probeBytes } from "./support/client";

let auth: Record<string, string> = {};
let username = "";
let otherAuth: Record<string, string> = {};

async function signUp(username: string): Promise<Record<string, string>> {
  const reg = await postJson("/api/register", { username, email: `${username}@example.test`, password: "test123" });
  expect(await reg.json()).toEqual({ status: "success", message: "Registration successful." });
  const pending = await postJson("/api/login", { username, password: "test123" });
  expect(pending.status).toBe(403);
  expect(await adminCli(["approve", username])).toContain(username);
  const login = await postJson("/api/login", { username, password: "test123" });
  const body = (await login.json()) as { status: string; access_token: string; token_type: string };
  expect(body).toMatchObject({ status: "success", token_type: "bearer" });
  return { Authorization: `Bearer ${body.access_token}` };
}

async function download(service: string, filename: string, headers = auth) {
  const res = await postJson(`/api/${service}/download`, { filename }, headers);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("media converter (seed 001)", () => {
  beforeAll(async () => {
    username = `e2e_${Date.now()}`;
    auth = await signUp(username);
    otherAuth = await signUp(`e2e_other_${Date.now()}`);
    const info = await api("/api/user_info", { headers: auth });
    expect(await info.json()).toMatchObject({ status: "success" });
  });

  it.each([
    ["144p", 144],
    ["480p", 480],
    ["720p", 720],
    ["1080p", 1080],
  ])("should convert a YouTube video to mp4 at %s", async (resolution, height) => {
    const res = await postJson("/api/youtube/convert", { url: "https://www.youtube.com/watch?v=e2eVideo001", format: "mp4", resolution }, auth);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; message: string; filename: string };
    expect(body).toMatchObject({ status: "success", message: "Download complete" });
    expect(body.filename).toMatch(/^youtube_video_e2evideo001_[0-9a-f]{8}\.mp4$/);
    const { res: file, bytes } = await download("youtube", body.filename);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("application/octet-stream");
    const video = (await probeBytes(bytes)).streams.find((s) => s.codec_type === "video");
    expect(video?.height).toBe(height);
  });

  it("should convert a YouTube video to mp3", async () => {
    const res = await postJson("/api/youtube/convert", { url: "https://youtu.be/e2eVideo001", format: "mp3" }, auth);
    const { filename } = (await res.json()) as { filename: string };
    expect(filename).toMatch(/\.mp3$/);
    const { bytes } = await download("youtube", filename);
    const probed = await probeBytes(bytes, "mp3");
    expect(probed.streams.map((s) => s.codec_name)).toEqual(["mp3"]);
  });

  it("should download an Instagram video, an image, and a carousel as a zip", async () => {
    const video = (await (await postJson("/api/instagram/convert", { url: "https://www.instagram.com/p/Ve2eClip1/", type: "video" }, auth)).json()) as { status: string; message: string; filename: string };
    expect(video).toMatchObject({ status: "success", message: "download complete" });
    expect(video.filename).toMatch(/^instagram_video_[0-9a-f]{8}\.mp4$/);

    const image = (await (await postJson("/api/instagram/convert", { url: "https://www.instagram.com/reel/Ie2ePic01/", type: "image" }, auth)).json()) as { filename: string };
    expect(image.filename).toMatch(/^instagram_image_[0-9a-f]{8}\.jpg$/);

    const carousel = (await (await postJson("/api/instagram/convert", { url: "https://www.instagram.com/p/Ce2eSet01/", type: "image" }, auth)).json()) as { filename: string };
    expect(carousel.filename).toMatch(/^instagram_[0-9a-f]{8}\.zip$/);
    const { res, bytes } = await download("instagram", carousel.filename);
    expect(res.headers.get("Content-Type")).toBe("application/zip");
    const entries = unzipSync(bytes);
    expect(Object.keys(entries)).toHaveLength(2);
    for (const data of Object.values(entries)) expect([data[0], data[1]]).toEqual([0xff, 0xd8]);

    const wrong = await postJson("/api/instagram/convert", { url: "https://www.instagram.com/p/Ie2ePic01/", type: "video" }, auth);
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toMatchObject({ status: "error" });
  });

  it("should convert a TikTok video without an account, download it and delete it", async () => {
    const res = await postJson("/api/tiktok/convert", { url: "https://www.tiktok.com/@anyone/video/7222222222222222222" });
    const { filename } = (await res.json()) as { filename: string };
    expect(filename).toMatch(/^tiktok_video_[0-9a-f]{8}\.mp4$/);
    const { res: file, bytes } = await download("tiktok", filename, {});
    expect(file.status).toBe(200);
    expect((await probeBytes(bytes)).streams.some((s) => s.codec_type === "video")).toBe(true);
    const del = await postJson("/api/tiktok/delete", { filename }, {}, undefined, "DELETE");
    expect(await del.json()).toEqual({ status: "deleted" });
    const gone = await postJson("/api/tiktok/delete", { filename }, {}, undefined, "DELETE");
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ status: "error", message: "File not found" });
  });

  it("should keep a user's files away from other users", async () => {
    const res = await postJson("/api/youtube/convert", { url: "https://www.youtube.com/watch?v=e2ePrivate1", format: "mp4", resolution: "144p" }, auth);
    const { filename } = (await res.json()) as { filename: string };
    for (const headers of [otherAuth, {}]) {
      const { res: stolen } = await download("youtube", filename, headers);
      expect(stolen.status).toBe(404);
      const del = await postJson("/api/youtube/delete", { filename }, headers, undefined, "DELETE");
      expect(await del.json()).toEqual({ status: "not found" });
    }
    expect((await download("youtube", filename)).res.status).toBe(200);
  });

  it("should accept an API key made by the operator command", async () => {
    const out = await adminCli(["create-key", username, "e2e script"]);
    const key = /mpk_[A-Za-z0-9_-]{32}/.exec(out)?.[0];
    expect(key).toBeDefined();
    const me = await api("/api/user_info", { headers: { "X-API-Key": key! } });
    expect(await me.json()).toEqual({ status: "success", user: username });
  });

  it("should report documented errors for content that is gone", async () => {
    const res = await postJson("/api/youtube/convert", { url: "https://www.youtube.com/watch?v=unavailable", format: "mp4", resolution: "720p" }, auth);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: "error", message: expect.any(String) });
    const ig = await postJson("/api/instagram/convert", { url: "https://www.instagram.com/p/Xe2eGone1/", type: "image" }, auth);
    expect(ig.status).toBe(404);
  });

  it("should log every conversion of the caller and count them in the stats", async () => {
    const log = await postJson("/api/logs", { table: "youtube" }, auth);
    expect(log.headers.get("Content-Type")).toMatch(/^text\/plain/);
    const lines = (await log.text()).trim().split("\n").filter((l) => !l.startsWith("#"));
    expect(lines.filter((l) => l.includes("\tsuccess\t")).length).toBeGreaterThanOrEqual(6);
    expect(lines.some((l) => l.includes("\terror\t"))).toBe(true);
    const otherLog = await (await postJson("/api/logs", { table: "youtube" }, otherAuth)).text();
    expect(otherLog.trim().split("\n").filter((l) => !l.startsWith("#"))).toHaveLength(0);

    const stats = (await (await postJson("/api/stats", { table: "youtube" })).json()) as Record<string, number | string>;
    expect(stats.status).toBe("success");
    expect(stats.number_of_mp4).toBeGreaterThanOrEqual(5);
    expect(stats.number_of_mp3).toBeGreaterThanOrEqual(1);
    expect(stats.total_conversions).toBe(Number(stats.number_of_mp4) + Number(stats.number_of_mp3));
  });
});
