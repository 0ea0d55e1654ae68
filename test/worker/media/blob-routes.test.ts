import { env } from "cloudflare:workers";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CONTENT_CRC32_HEADER } from "../../../protocol/transcoder";
import { storedCrc32 } from "../../../worker/media/store";
import { downloadUrlFor, signBlobGrant, uploadUrlFor, verifyBlobGrant } from "../../../worker/media/signed-urls";
import { patternBytes, streamOf } from "../support/files";
import { call } from "../support/http";
import { insertTask } from "../support/tasks";

const pathOf = (url: string) => new URL(url).pathname;

describe("signed blob grants", () => {
  it("should verify its own grants and reject tampering and expiry", async () => {
    const secret = env.BLOB_SIGNING_SECRET;
    const token = await signBlobGrant(secret, { p: "tasks/x/a1", m: "PUT", e: Math.floor(Date.now() / 1000) + 60 });
    expect(await verifyBlobGrant(secret, token)).toMatchObject({ ok: true, grant: { p: "tasks/x/a1" } });
    const [payload, mac] = token.split(".");
    const forged = `${btoa(JSON.stringify({ p: "", m: "PUT", e: 9e9 })).replace(/=+$/, "")}.${mac}`;
    expect(await verifyBlobGrant(secret, forged)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await verifyBlobGrant("another-secret-another-secret-another", token)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await verifyBlobGrant(secret, `${payload}`)).toMatchObject({ ok: false, reason: "malformed" });
    expect(await verifyBlobGrant(secret, token, Math.floor(Date.now() / 1000) + 120)).toMatchObject({ ok: false, reason: "expired" });
  });
});

describe("PUT/GET /internal/blobs/{token}/{name}", () => {
  it("should stream an upload into R2 under the granted prefix and serve it back with ranges", async () => {
    const upload = await uploadUrlFor(env, "tasks/blob-test/a1", 60, 10_000_000);
    const bytes = patternBytes(200_000);
    const put = await call(`${pathOf(upload)}/0.mp4`, { method: "PUT", body: bytes, headers: { "Content-Type": "video/mp4" } });
    expect(put.status).toBe(201);
    expect(await put.json()).toEqual({ key: "tasks/blob-test/a1/0.mp4", size: 200_000 });

    const chunked = await call(`${pathOf(upload)}/1.bin`, { method: "PUT", body: streamOf(bytes, 7777), duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(201);

    const read = await downloadUrlFor(env, "tasks/blob-test/a1/0.mp4", 60);
    const got = await call(pathOf(read), { headers: { Range: "bytes=100-199" } });
    expect(got.status).toBe(206);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes.slice(100, 200));
    // A read grant names one object: it does not open its neighbours.
    const other = await call(pathOf(read).replace(/0\.mp4$/, "1.bin"));
    expect(other.status).toBe(403);
  });

  it("should check an upload against its declared CRC-32 and keep the checksum with the object", async () => {
    const upload = await uploadUrlFor(env, "tasks/blob-crc/a1", 60, 10_000_000);
    const bytes = patternBytes(150_000);
    const put = (name: string, checksum: string) =>
      call(`${pathOf(upload)}/${name}`, { method: "PUT", body: bytes, headers: { "Content-Type": "video/mp4", [CONTENT_CRC32_HEADER]: checksum } });
    const declared = crc32(bytes).toString(16).padStart(8, "0");
    expect((await put("ok.mp4", declared.toUpperCase())).status).toBe(201);
    expect(storedCrc32((await env.MEDIA.head("tasks/blob-crc/a1/ok.mp4"))!)).toBe(crc32(bytes));

    const damaged = await put("damaged.mp4", ((crc32(bytes) ^ 0x80) >>> 0).toString(16).padStart(8, "0"));
    expect(damaged.status).toBe(422);
    expect(await damaged.json()).toMatchObject({ detail: expect.stringContaining("CRC-32") });
    expect(await env.MEDIA.head("tasks/blob-crc/a1/damaged.mp4")).toBeNull();

    const malformed = await put("malformed.mp4", "not-hex!");
    expect(malformed.status).toBe(422);
    expect(await env.MEDIA.head("tasks/blob-crc/a1/malformed.mp4")).toBeNull();
  });

  it("should stream bodies past the whole-body limit that other routes keep (the route is marked streaming)", async () => {
    const limit = 1_048_576; // MAX_BODY_BYTES's default
    const upload = await uploadUrlFor(env, "tasks/blob-test/a3", 60, 10 * limit);
    const bytes = patternBytes(2 * limit + 17);
    const put = await call(`${pathOf(upload)}/big.mp4`, { method: "PUT", body: streamOf(bytes, 65_536), duplex: "half" } as RequestInit);
    expect(put.status).toBe(201);
    expect((await env.MEDIA.head("tasks/blob-test/a3/big.mp4"))?.size).toBe(bytes.byteLength);
    const login = await call("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: streamOf(bytes, 65_536), duplex: "half" } as RequestInit);
    expect(login.status).toBe(413);
  });

  it("should keep an upload bound to a live task run, and undo one that lands after the run ended", async () => {
    const task = await insertTask(env, { status: "running", leaseToken: "lease-1", leaseUntil: new Date(Date.now() + 60_000) });
    const upload = await uploadUrlFor(env, "tasks/blob-run/a1", 60, 10_000, { taskId: task.id, leaseToken: "lease-1" });
    const put = (name: string) => call(`${pathOf(upload)}/${name}`, { method: "PUT", body: patternBytes(1000) });
    expect((await put("live.ts")).status).toBe(201);
    expect(await env.MEDIA.head("tasks/blob-run/a1/live.ts")).not.toBeNull();

    await env.DB.prepare("UPDATE tasks SET cancel_requested = 1 WHERE id = ?").bind(task.id).run();
    const late = await put("late.ts");
    expect(late.status).toBe(409);
    expect(await env.MEDIA.head("tasks/blob-run/a1/late.ts")).toBeNull();

    // Another runner took the task over (new lease token): the old run's writes are not kept either.
    await env.DB.prepare("UPDATE tasks SET cancel_requested = 0, lease_token = 'lease-2' WHERE id = ?").bind(task.id).run();
    expect((await put("stale.ts")).status).toBe(409);
    expect(await env.MEDIA.head("tasks/blob-run/a1/stale.ts")).toBeNull();
  });

  it("should refuse uploads without a valid grant, with a bad name, or over the cap", async () => {
    const upload = await uploadUrlFor(env, "tasks/blob-test/a2", 60, 1000);
    const cases: [string, number][] = [
      [`/internal/blobs/not-a-token/0.mp4`, 403],
      [`${pathOf(upload)}/..%2F..%2Fescape.mp4`, 400],
      [`${pathOf(upload)}/.hidden`, 400],
    ];
    for (const [path, status] of cases) {
      const res = await call(path, { method: "PUT", body: "x" });
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ detail: expect.any(String) });
    }
    const tooBig = await call(`${pathOf(upload)}/big.bin`, { method: "PUT", body: patternBytes(5000) });
    expect(tooBig.status).toBe(413);
    const read = await downloadUrlFor(env, "tasks/blob-test/a2/x.bin", 60);
    const wrongMethod = await call(pathOf(read), { method: "PUT", body: "x" });
    expect(wrongMethod.status).toBe(403);
  });
});
