import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, postJson } from "../../support/http";
import { createUser } from "../../support/users";

describe("converter accounts (seed 001)", () => {
  it("should answer /api/ping", async () => {
    const res = await call("/api/ping");
    expect(await res.json()).toEqual({ status: "ok", message: "server is alive" });
  });

  it("should register a user as pending, refuse its login until an admin approves it, then issue a JWT", async () => {
    const reg = await postJson("/api/register", { username: "test", email: "test@test.com", password: "test123" });
    expect(reg.status).toBe(200);
    expect(await reg.json()).toEqual({ status: "success", message: "Registration successful." });

    const early = await postJson("/api/login", { username: "test", password: "test123" });
    expect(early.status).toBe(403);
    expect(await early.json()).toMatchObject({ status: "pending" });

    const admin = await createUser(env, { role: "admin" });
    const pending = await call("/api/admin/users/pending", { headers: admin.auth });
    expect(((await pending.json()) as { users: { username: string }[] }).users.map((u) => u.username)).toContain("test");
    const approve = await call("/api/admin/users/test/approve", { method: "POST", headers: admin.auth });
    expect(approve.status).toBe(200);

    const login = await postJson("/api/login", { username: "test", password: "test123" });
    expect(login.status).toBe(200);
    const body = (await login.json()) as { status: string; message: string; access_token: string; token_type: string };
    expect(body).toMatchObject({ status: "success", message: "Login successful!", token_type: "bearer" });
    expect(body.access_token.split(".")).toHaveLength(3);

    const info = await call("/api/user_info", { headers: { Authorization: `Bearer ${body.access_token}` } });
    expect(await info.json()).toEqual({ status: "success", user: "test" });
  });

  it("should refuse a second registration with the same username or e-mail", async () => {
    await postJson("/api/register", { username: "dup", email: "dup@test.com", password: "secret1" });
    for (const body of [
      { username: "dup", email: "other@test.com", password: "secret1" },
      { username: "other", email: "DUP@test.com", password: "secret1" },
    ]) {
      const res = await postJson("/api/register", body);
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ status: "error", message: "User already exists." });
    }
  });

  it("should give the same answer for a wrong password and an unknown user", async () => {
    const { username } = await createUser(env);
    const wrongPassword = await postJson("/api/login", { username, password: "nope-nope" });
    const unknownUser = await postJson("/api/login", { username: "ghost_user", password: "nope-nope" });
    for (const res of [wrongPassword, unknownUser]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ status: "invalid", message: "Username or password is incorrect!" });
    }
  });

  it.each([
    [{}, /username: field required/],
    [{ username: "ab", email: "a@b.co", password: "secret1" }, /username: ensure this value has at least 3 characters/],
    [{ username: "valid", email: "not-an-email", password: "secret1" }, /email/],
    [{ username: "valid", email: "a@b.co", password: "123" }, /password/],
    [{ username: "bad name!", email: "a@b.co", password: "secret1" }, /username/],
  ])("should refuse invalid registration %j with 400 {status, message}", async (body, message) => {
    const res = await postJson("/api/register", body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { status: string; message: string };
    expect(json.status).toBe("error");
    expect(json.message).toMatch(message);
  });

  it("should require a valid bearer token where the document says so", async () => {
    for (const path of ["/api/user_info"]) {
      expect((await call(path)).status).toBe(401);
      const bad = await call(path, { headers: { Authorization: "Bearer not.a.jwt" } });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toMatchObject({ status: "error" });
    }
    for (const path of ["/api/youtube/convert", "/api/instagram/convert", "/api/logs"]) {
      const res = await postJson(path, {});
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ status: "error", message: "Authentication required" });
    }
  });

  it("should stop accepting the token of an account that was disabled", async () => {
    const u = await createUser(env);
    expect((await call("/api/user_info", { headers: u.auth })).status).toBe(200);
    await env.DB.prepare("UPDATE users SET status = 'disabled' WHERE id = ?").bind(u.user.id).run();
    expect((await call("/api/user_info", { headers: u.auth })).status).toBe(401);
  });

  it("should keep the admin API for admins", async () => {
    const u = await createUser(env);
    const res = await call("/api/admin/tasks?status=dead", { headers: u.auth });
    expect(res.status).toBe(403);
    const admin = await createUser(env, { role: "admin" });
    const ok = await call("/api/admin/tasks?status=dead", { headers: admin.auth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "success", tasks: expect.any(Array) });
  });
});
