/**
 * SOCIAL_WRITE_ACCESS: `public` (default) keeps the document's contract (no authentication, anyone changes
 * anything); `user` requires a platform credential for uploads, removals and metadata changes, and lets a
 * caller change only what it created. Each mode runs the real app (`createApp`) over the real bindings.
 */
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../../worker/app";
import { createUser } from "../../support/users";
import { r2Keys } from "./client";
import { JPEG, mp4Bytes } from "./images";

type Mode = "public" | "user";

async function fetchAs(mode: Mode, path: string, init: RequestInit & { token?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", `social-${crypto.randomUUID()}`);
  if (init.token) headers.set("Authorization", `Bearer ${init.token}`);
  const app = createApp();
  return app.fetch(new Request(`http://platform.test${path}`, { ...init, headers }), { ...env, SOCIAL_WRITE_ACCESS: mode }, createExecutionContext());
}

function storyForm(): FormData {
  const form = new FormData();
  form.append("files", new File([mp4Bytes()], "clip.mp4", { type: "video/mp4" }));
  form.append("files", new File([JPEG], "photo.jpg", { type: "image/jpeg" }));
  form.append("en_title", "Mine");
  return form;
}

const previewForm = () => {
  const form = new FormData();
  form.append("file", new File([JPEG], "p.jpg", { type: "image/jpeg" }));
  return form;
};

const patch = (body: unknown) => ({ method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
const form = (method: string, body: string) => ({ method, headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });

describe("SOCIAL_WRITE_ACCESS=user", () => {
  it("should refuse anonymous uploads with 401 before storing anything", async () => {
    const before = await r2Keys("social/");
    for (const path of ["/api/v1/stories/upload", "/api/v1/reels/reels/upload", "/api/v1/video/upload", "/api/v1/photo/upload"]) {
      const res = await fetchAs("user", path, { method: "POST", body: storyForm() });
      expect(res.status, path).toBe(401);
      expect(await res.json()).toEqual({ detail: "Not authenticated" });
    }
    expect(await r2Keys("social/")).toEqual(before);
  });

  it("should let only the creator change or remove a story, and an admin", async () => {
    const owner = await createUser(env);
    const other = await createUser(env);
    const admin = await createUser(env, { role: "admin" });
    const created = await fetchAs("user", "/api/v1/stories/upload", { method: "POST", body: storyForm(), token: owner.token });
    expect(created.status).toBe(200);
    const story = (await created.json()) as { id: number; video_id: number };

    for (const [path, init] of [
      [`/api/v1/stories/stories/${story.id}/metadata`, patch({ en_title: "Theirs" })],
      [`/api/v1/stories/preview/${story.id}`, { method: "POST", body: previewForm() }],
      [`/api/v1/stories/remove/${story.id}/`, { method: "DELETE" }],
      [`/api/v1/video/remove/${story.video_id}/`, { method: "DELETE" }],
    ] as [string, RequestInit][]) {
      const anonymous = await fetchAs("user", path, init);
      expect(anonymous.status, `anonymous ${path}`).toBe(401);
      await anonymous.arrayBuffer();
      const stranger = await fetchAs("user", path, { ...init, body: init.body instanceof FormData ? previewForm() : init.body, token: other.token });
      expect(stranger.status, `stranger ${path}`).toBe(403);
      expect(await stranger.json()).toEqual({ detail: "Not enough permissions" });
    }

    const renamed = await fetchAs("user", `/api/v1/stories/stories/${story.id}/metadata`, { ...patch({ en_title: "Still mine" }), token: owner.token });
    expect(await renamed.json()).toMatchObject({ en_title: "Still mine" });
    const preview = await fetchAs("user", `/api/v1/stories/preview/${story.id}`, { method: "POST", body: previewForm(), token: owner.token });
    expect(preview.status).toBe(200);
    await preview.arrayBuffer();
    // Reads stay public.
    expect((await fetchAs("user", `/api/v1/stories/${story.id}`)).status).toBe(200);
    const removed = await fetchAs("user", `/api/v1/stories/remove/${story.id}/`, { method: "DELETE", token: admin.token });
    expect(await removed.json()).toEqual({ message: "Сторис успешно удален" });
  });

  it("should let anyone like, comment and view, but only the creator remove a comment or a view", async () => {
    const owner = await createUser(env);
    const commenter = await createUser(env);
    const reelForm = new FormData();
    reelForm.append("file", new File([mp4Bytes()], "r.mp4", { type: "video/mp4" }));
    const reel = (await (await fetchAs("user", "/api/v1/reels/reels/upload", { method: "POST", body: reelForm, token: owner.token })).json()) as { id: number };
    expect((await fetchAs("user", "/api/v1/likes/add", form("POST", `user_id=5&reels_id=${reel.id}`))).status).toBe(200);
    const comment = (await (
      await fetchAs("user", "/api/v1/comments/add", { ...form("POST", `user_id=5&reels_id=${reel.id}&comment=hi`), token: commenter.token })
    ).json()) as { id: number };
    const view = (await (await fetchAs("user", "/api/v1/views/add", { ...form("POST", `user_id=5&reels_id=${reel.id}`), token: commenter.token })).json()) as {
      id: number;
    };
    for (const path of [`/api/v1/comments/remove/${comment.id}`, `/api/v1/views/remove/${view.id}`]) {
      expect((await fetchAs("user", path, { method: "DELETE" })).status, path).toBe(401);
      expect((await fetchAs("user", path, { method: "DELETE", token: owner.token })).status, path).toBe(403);
      expect((await fetchAs("user", path, { method: "DELETE", token: commenter.token })).status, path).toBe(200);
    }
    // A like added anonymously has no creator to match: under enforced access only an admin could remove it.
    expect((await fetchAs("user", "/api/v1/likes/remove", form("DELETE", `user_id=5&reels_id=${reel.id}`))).status).toBe(401);
  });
});

describe("SOCIAL_WRITE_ACCESS=public (the document's contract)", () => {
  it("should let anyone upload, change and remove, whoever created the record", async () => {
    const owner = await createUser(env);
    const created = await fetchAs("public", "/api/v1/stories/upload", { method: "POST", body: storyForm(), token: owner.token });
    const story = (await created.json()) as { id: number };
    const renamed = await fetchAs("public", `/api/v1/stories/stories/${story.id}/metadata`, patch({ en_title: "Anyone's" }));
    expect(await renamed.json()).toMatchObject({ en_title: "Anyone's" });
    const anonymous = await fetchAs("public", "/api/v1/stories/upload", { method: "POST", body: storyForm() });
    expect(anonymous.status).toBe(200);
    await anonymous.arrayBuffer();
    expect((await fetchAs("public", `/api/v1/stories/remove/${story.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("should still refuse an invalid credential (401), as every public route does", async () => {
    const res = await fetchAs("public", "/api/v1/stories/list", { token: "x.y.z" });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ detail: expect.any(String) });
  });
});
