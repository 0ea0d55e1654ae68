import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { conversions } from "../../../../worker/db/schema";
import { patternBytes, seedNamedFile } from "../../support/files";
import { postJson } from "../../support/http";
import { createUser } from "../../support/users";

describe("converter downloads and deletes (seed 001)", () => {
  it("should download a converted file of each service as an attachment, with Range", async () => {
    const bytes = patternBytes(5000);
    for (const [svc, name] of [
      ["youtube", "video_title_ab12cd34.mp4"],
      ["instagram", "instagram_ab12cd34.zip"],
      ["tiktok", "tiktok_video_ab12cd34.mp4"],
    ] as const) {
      await seedNamedFile(env, { namespace: `converter.${svc}`, name, bytes, contentType: name.endsWith(".zip") ? "application/zip" : "video/mp4" });
      const res = await postJson(`/api/${svc}/download`, { filename: name });
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe(name.endsWith(".zip") ? "application/zip" : "application/octet-stream");
      expect(res.headers.get("Content-Disposition")).toContain(`filename="${name}"`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
      const part = await postJson(`/api/${svc}/download`, { filename: name }, { Range: "bytes=10-19" });
      expect(part.status).toBe(206);
      expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.slice(10, 20));
    }
  });

  it("should answer a missing or foreign file with the documented 404", async () => {
    await seedNamedFile(env, { namespace: "converter.youtube", name: "only_on_youtube_00000000.mp4", bytes: patternBytes(10) });
    for (const svc of ["instagram", "tiktok"]) {
      const res = await postJson(`/api/${svc}/download`, { filename: "only_on_youtube_00000000.mp4" });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ status: "error", message: "File not found!" });
    }
    for (const filename of ["../../etc/passwd", "..", "a/b.mp4", "x\u0000.mp4", "\\..\\boot.ini"]) {
      const res = await postJson("/api/youtube/download", { filename });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ status: "error", message: "File not found!" });
    }
  });

  it("should delete a file with each service's documented answers", async () => {
    const expectations = {
      youtube: { status: "not found" },
      instagram: { status: "error", message: "not found" },
      tiktok: { status: "error", message: "File not found" },
    } as const;
    for (const [svc, notFound] of Object.entries(expectations)) {
      const name = `${svc}_delete_me_12345678.mp4`;
      const { key } = await seedNamedFile(env, { namespace: `converter.${svc}`, name, bytes: patternBytes(10) });
      const del = await postJson(`/api/${svc}/delete`, { filename: name }, {}, "DELETE");
      expect(del.status).toBe(200);
      expect(await del.json()).toEqual({ status: "deleted" });
      expect(await env.MEDIA.head(key)).toBeNull();
      const again = await postJson(`/api/${svc}/delete`, { filename: name }, {}, "DELETE");
      expect(again.status).toBe(404);
      expect(await again.json()).toEqual(notFound);
    }
  });

  it("should validate the filename body", async () => {
    const res = await postJson("/api/tiktok/download", { file: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: "error", message: "filename: field required" });
  });
});

describe("converter inputs (seed 001)", () => {
  it.each([
    ["/api/youtube/convert", { url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", format: "avi" }, /format: value is not a valid enumeration member/],
    ["/api/youtube/convert", { url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", format: "mp4", resolution: "4k" }, /resolution/],
    ["/api/youtube/convert", { format: "mp4" }, /url: field required/],
  ])("should refuse %s %j with 400", async (path, body, message) => {
    const u = await createUser(env);
    const res = await postJson(path, body, u.auth);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { status: string; message: string };
    expect(json.status).toBe("error");
    expect(json.message).toMatch(message);
  });

  it("should answer a bad Instagram type with exactly the documented body", async () => {
    const u = await createUser(env);
    const res = await postJson("/api/instagram/convert", { url: "https://www.instagram.com/p/Cabcdef/", type: "gif" }, u.auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: "error", message: "invalid content type" });
  });

  it.each([
    ["/api/youtube/convert", { url: "https://www.tiktok.com/@a/video/1", format: "mp4", resolution: "720p" }],
    ["/api/instagram/convert", { url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ", type: "video" }],
    ["/api/tiktok/convert", { url: "file:///etc/passwd" }],
    ["/api/tiktok/convert", { url: "http://10.0.0.5/@a/video/1" }],
  ])("should refuse a URL of the wrong site at %s and log the failure", async (path, body) => {
    const u = await createUser(env);
    const res = await postJson(path, body, u.auth);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: "error", message: expect.stringMatching(/^Unsupported URL/) });
  });

  it("should refuse an invalid token on the optionally authenticated TikTok convert", async () => {
    const res = await postJson("/api/tiktok/convert", { url: "https://www.tiktok.com/@a/video/1" }, { Authorization: "Bearer garbage" });
    expect(res.status).toBe(401);
  });
});

describe("logs and stats (seed 001)", () => {
  it("should give each user only their own log, as text, and count successes globally", async () => {
    const alice = await createUser(env);
    const bob = await createUser(env);
    const db = getDb(env);
    await db.insert(conversions).values([
      { service: "youtube", userId: alice.user.id, url: "https://www.youtube.com/watch?v=aaaaaaaaaaa", format: "mp4", resolution: "720p", filename: "a_1.mp4", status: "success" },
      { service: "youtube", userId: alice.user.id, url: "https://www.youtube.com/watch?v=bbbbbbbbbbb", format: "mp3", filename: "b_2.mp3", status: "success" },
      { service: "youtube", userId: bob.user.id, url: "https://www.youtube.com/watch?v=ccccccccccc", format: "mp4", resolution: "144p", filename: "bob_secret.mp4", status: "success" },
      { service: "youtube", userId: alice.user.id, url: "https://www.youtube.com/watch?v=ddddddddddd", format: "mp4", status: "error", message: "Content not found" },
      { service: "tiktok", userId: alice.user.id, url: "https://www.tiktok.com/@a/video/1", format: "mp4", filename: "t.mp4", status: "success" },
    ]);

    const res = await postJson("/api/logs", { table: "youtube" }, alice.auth);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain("a_1.mp4");
    expect(text).toContain("b_2.mp3");
    expect(text).toContain("Content not found");
    expect(text).not.toContain("bob_secret.mp4");
    expect(text).not.toContain("t.mp4");
    expect(text.trim().split("\n").filter((l) => !l.startsWith("#"))).toHaveLength(3);

    const unknown = await postJson("/api/logs", { table: "users" }, alice.auth);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ status: "error", message: "unknown table" });

    const stats = await postJson("/api/stats", { table: "youtube" });
    const s = (await stats.json()) as { status: string; total_conversions: number; number_of_mp3: number; number_of_mp4: number };
    expect(s.status).toBe("success");
    expect(s.total_conversions).toBe(s.number_of_mp3 + s.number_of_mp4);
    expect(s.number_of_mp3).toBeGreaterThanOrEqual(1);
    expect(s.number_of_mp4).toBeGreaterThanOrEqual(2);

    const bad = await postJson("/api/stats", { table: "new_users" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ status: "error", message: "unknown table" });
  });
});
