import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, postJson } from "../support/http";
import { createUser } from "../support/users";

interface CreatedKey {
  status: string;
  id: string;
  key: string;
  prefix: string;
}

describe("API keys", () => {
  it("should show a new key once, list it by prefix only, accept it in both headers, and refuse it once revoked", async () => {
    const u = await createUser(env);
    const res = await postJson("/api/keys", { name: "script" }, u.auth);
    expect(res.status).toBe(201);
    const created = (await res.json()) as CreatedKey;
    expect(created.key).toMatch(/^mpk_[A-Za-z0-9_-]{32}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));

    const list = await call("/api/keys", { headers: u.auth });
    const listed = JSON.stringify(await list.json());
    expect(listed).toContain(created.prefix);
    expect(listed).not.toContain(created.key);

    const stored = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?").bind(created.id).first<{ key_hash: string }>();
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toContain(created.key);

    for (const headers of [{ "X-API-Key": created.key }, { Authorization: `Bearer ${created.key}` }] as Record<string, string>[]) {
      const me = await call("/api/user_info", { headers });
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual({ status: "success", user: u.username });
    }

    const revoke = await call(`/api/keys/${created.id}`, { method: "DELETE", headers: u.auth });
    expect(revoke.status).toBe(200);
    const after = await call("/api/user_info", { headers: { "X-API-Key": created.key } });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ status: "error", message: "Invalid API key" });
  });

  it("should not let a key create or manage keys (a leaked key cannot persist itself)", async () => {
    const u = await createUser(env);
    const { key } = (await (await postJson("/api/keys", { name: "k" }, u.auth)).json()) as CreatedKey;
    for (const headers of [{ "X-API-Key": key }, { Authorization: `Bearer ${key}` }] as Record<string, string>[]) {
      expect((await postJson("/api/keys", { name: "more" }, headers)).status).toBe(401);
      expect((await call("/api/keys", { headers })).status).toBe(401);
    }
  });

  it("should refuse malformed and unknown keys", async () => {
    for (const key of ["", "mpk_", "mpk_" + "A".repeat(32), "x".repeat(5000), "mpk_' OR 1=1 --"]) {
      const res = await call("/api/user_info", { headers: { "X-API-Key": key } });
      expect(res.status).toBe(401);
    }
  });

  it("should stop a key working when its account is disabled", async () => {
    const u = await createUser(env);
    const { key } = (await (await postJson("/api/keys", { name: "k" }, u.auth)).json()) as CreatedKey;
    await env.DB.prepare("UPDATE users SET status = 'disabled' WHERE id = ?").bind(u.user.id).run();
    expect((await call("/api/user_info", { headers: { "X-API-Key": key } })).status).toBe(401);
  });
});
