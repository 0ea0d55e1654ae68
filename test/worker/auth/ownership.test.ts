/**
 * A second user (and an anonymous caller, and the second user's API key) against every route that reaches
 * something owned: converter files of each service (download, delete), logs, API keys. Every attempt must
 * fail exactly like a request for something that does not exist, and the owner must still succeed after.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../worker/db/client";
import { conversions } from "../../../worker/db/schema";
import { patternBytes, seedNamedFile } from "../support/files";
import { call, postJson } from "../support/http";
import { createUser } from "../support/users";

describe("cross-user access", () => {
  it("should give another user no access to files, logs or keys", async () => {
    const owner = await createUser(env);
    const other = await createUser(env);
    const otherKey = ((await (await postJson("/api/keys", { name: "other" }, other.auth)).json()) as { key: string }).key;
    const intruders: [string, Record<string, string>][] = [
      ["other user's JWT", other.auth],
      ["other user's API key", { "X-API-Key": otherKey }],
      ["anonymous", {}],
    ];
    const expectRefused = async (res: Response, notFound: unknown) => {
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(notFound);
    };

    const notFound = {
      download: { status: "error", message: "File not found!" },
      delete: { youtube: { status: "not found" }, instagram: { status: "error", message: "not found" }, tiktok: { status: "error", message: "File not found" } },
    } as const;

    for (const svc of ["youtube", "instagram", "tiktok"] as const) {
      const name = `${svc}_owned_ab12cd34.mp4`;
      const { key } = await seedNamedFile(env, { namespace: `converter.${svc}`, name, bytes: patternBytes(64), ownerUserId: owner.user.id });
      for (const [, headers] of intruders) {
        await expectRefused(await postJson(`/api/${svc}/download`, { filename: name }, headers), notFound.download);
        await expectRefused(await postJson(`/api/${svc}/delete`, { filename: name }, headers, "DELETE"), notFound.delete[svc]);
      }
      expect(await env.MEDIA.head(key)).not.toBeNull();
      const mine = await postJson(`/api/${svc}/download`, { filename: name }, owner.auth);
      expect(mine.status).toBe(200);
      await mine.arrayBuffer();
    }

    // Logs: each caller sees only their own lines; the owner's listing shows the line, so the check can fail.
    await getDb(env).insert(conversions).values({ service: "youtube", userId: owner.user.id, url: "https://www.youtube.com/watch?v=ownersecret", format: "mp4", filename: "owner_private.mp4", status: "success" });
    const ownLogs = await postJson("/api/logs", { table: "youtube" }, owner.auth);
    expect(ownLogs.status).toBe(200);
    expect(await ownLogs.text()).toContain("owner_private.mp4");
    for (const headers of [other.auth, { "X-API-Key": otherKey }]) {
      const res = await postJson("/api/logs", { table: "youtube" }, headers);
      expect(res.status).toBe(200);
      expect(await res.text()).not.toContain("owner_private.mp4");
    }

    // Keys: the owner's key is invisible and irrevocable to the other user.
    const ownerKey = (await (await postJson("/api/keys", { name: "owner" }, owner.auth)).json()) as { id: string; prefix: string };
    const othersListing = await call("/api/keys", { headers: other.auth });
    expect(othersListing.status).toBe(200);
    expect(JSON.stringify(await othersListing.json())).not.toContain(ownerKey.prefix);
    const revoke = await call(`/api/keys/${ownerKey.id}`, { method: "DELETE", headers: other.auth });
    expect(revoke.status).toBe(404);
    expect(await revoke.json()).toEqual({ status: "error", message: "API key not found." });
    const ownListing = await call("/api/keys", { headers: owner.auth });
    expect(ownListing.status).toBe(200);
    expect(JSON.stringify(await ownListing.json())).toContain(ownerKey.prefix);
  });

  it("should keep anonymous conversions reachable by name, as documented", async () => {
    const name = "tiktok_video_anon0001.mp4";
    await seedNamedFile(env, { namespace: "converter.tiktok", name, bytes: patternBytes(16), ownerUserId: null });
    const res = await postJson("/api/tiktok/download", { filename: name });
    expect(res.status).toBe(200);
  });
});
