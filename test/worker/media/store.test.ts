import { env } from "cloudflare:workers";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  collectIdleFiles,
  deleteName,
  findNamedFile,
  getFilesByIds,
  nameFile,
  putStream,
  registerFile,
  storedCrc32,
  touchFilesForHandOut,
} from "../../../worker/media/store";
import { AppError } from "../../../worker/lib/errors";
import { patternBytes, seedNamedFile, streamOf } from "../support/files";
import { seedIdleFiles } from "../support/idle-files";

async function bytesOf(key: string): Promise<Uint8Array> {
  const obj = await env.MEDIA.get(key);
  return new Uint8Array(await obj!.arrayBuffer());
}

describe("putStream", () => {
  it("should store a stream of known length in one put", async () => {
    const bytes = patternBytes(300_000);
    const put = await putStream(env.MEDIA, "t/known.bin", streamOf(bytes), { contentType: "application/octet-stream", length: bytes.byteLength, maxBytes: 1e9 });
    expect(put.size).toBe(300_000);
    expect(await bytesOf("t/known.bin")).toEqual(bytes);
    expect(put.crc32).toBe(crc32(bytes));
  });

  it("should store a stream of unknown length as a multipart upload of fixed-size parts", async () => {
    const bytes = patternBytes(8 * 1024 * 1024 * 2 + 12345);
    const put = await putStream(env.MEDIA, "t/chunked.bin", streamOf(bytes, 100_003), { contentType: "video/mp4", maxBytes: 1e9 });
    expect(put.size).toBe(bytes.byteLength);
    const stored = await bytesOf("t/chunked.bin");
    expect(stored.byteLength).toBe(bytes.byteLength);
    expect(stored).toEqual(bytes);
    expect(put.crc32).toBe(crc32(bytes));
  });

  it("should keep a declared checksum with the object, and delete and refuse a body that does not match it", async () => {
    const bytes = patternBytes(200_000);
    for (const length of [bytes.byteLength, undefined]) {
      const key = `t/declared-${length ?? "chunked"}.bin`;
      const put = await putStream(env.MEDIA, key, streamOf(bytes), { contentType: "x/y", length, maxBytes: 1e9, expectedCrc32: crc32(bytes) });
      expect(storedCrc32((await env.MEDIA.head(key))!)).toBe(put.crc32);
      const damaged = `t/damaged-${length ?? "chunked"}.bin`;
      const refused = putStream(env.MEDIA, damaged, streamOf(bytes), { contentType: "x/y", length, maxBytes: 1e9, expectedCrc32: (crc32(bytes) ^ 1) >>> 0 });
      await expect(refused).rejects.toMatchObject({ status: 422, code: "file.checksum_mismatch" });
      expect(await env.MEDIA.head(damaged)).toBeNull();
    }
    // Written without a declared checksum (the platform's own uploads), the object's metadata has none.
    await putStream(env.MEDIA, "t/undeclared.bin", streamOf(bytes), { contentType: "x/y", length: bytes.byteLength, maxBytes: 1e9 });
    expect(storedCrc32((await env.MEDIA.head("t/undeclared.bin"))!)).toBeNull();
  });

  it("should refuse a declared length over the limit before reading, and an undeclared one once it passes the limit", async () => {
    await expect(putStream(env.MEDIA, "t/big.bin", streamOf(patternBytes(10)), { contentType: "x/y", length: 2000, maxBytes: 1000 })).rejects.toBeInstanceOf(AppError);
    await expect(putStream(env.MEDIA, "t/big2.bin", streamOf(patternBytes(5000), 1000), { contentType: "x/y", maxBytes: 1000 })).rejects.toThrow(/exceeds/);
    expect(await env.MEDIA.head("t/big2.bin")).toBeNull();
  });
});

describe("names and deletion", () => {
  it("should delete the object only when its last name is removed", async () => {
    const { key, file } = await seedNamedFile(env, { namespace: "converter.youtube", name: "a_11111111.mp4", bytes: patternBytes(100) });
    expect((await nameFile(env, { namespace: "converter.youtube", publicName: "b_22222222.mp4", fileId: file.id })).ok).toBe(true);
    expect(await deleteName(env, "converter.youtube", "a_11111111.mp4")).toBe(true);
    expect(await env.MEDIA.head(key)).not.toBeNull();
    expect(await findNamedFile(env, "converter.youtube", "b_22222222.mp4")).toBeDefined();
    expect(await deleteName(env, "converter.youtube", "b_22222222.mp4")).toBe(true);
    expect(await env.MEDIA.head(key)).toBeNull();
    expect(await deleteName(env, "converter.youtube", "b_22222222.mp4")).toBe(false);
  });

  it("should never re-point a name held by another owner, but let its owner re-point it", async () => {
    const mine = await seedNamedFile(env, { namespace: "studio", name: "edit.mp4", bytes: patternBytes(10), ownerUserId: 1 });
    const theirs = await seedNamedFile(env, { namespace: "studio", name: "theirs.mp4", bytes: patternBytes(20), ownerUserId: 2 });
    for (const intruder of [2, null]) {
      expect(await nameFile(env, { namespace: "studio", publicName: "edit.mp4", fileId: theirs.file.id, ownerUserId: intruder })).toEqual({ ok: false, reason: "taken" });
    }
    expect((await findNamedFile(env, "studio", "edit.mp4"))?.file.id).toBe(mine.file.id);
    // Naming the same file again is no takeover (two callers saving one cached post).
    expect((await nameFile(env, { namespace: "studio", publicName: "edit.mp4", fileId: mine.file.id, ownerUserId: 2 })).ok).toBe(true);
    const again = await seedNamedFile(env, { namespace: "studio", name: "edit-v2.mp4", bytes: patternBytes(30), ownerUserId: 1 });
    expect((await nameFile(env, { namespace: "studio", publicName: "edit.mp4", fileId: again.file.id, ownerUserId: 1 })).ok).toBe(true);
    expect((await findNamedFile(env, "studio", "edit.mp4"))?.file.id).toBe(again.file.id);
  });

  it("should keep names of different namespaces apart", async () => {
    await seedNamedFile(env, { namespace: "saver", name: "123.mp4", bytes: patternBytes(10) });
    expect(await findNamedFile(env, "converter.tiktok", "123.mp4")).toBeUndefined();
    expect(await findNamedFile(env, "saver", "123.mp4")).toBeDefined();
  });
});

describe("idle garbage collection", () => {
  it("should remove files idle past the TTL, object and rows, and leave recent ones", async () => {
    const now = Date.now();
    const old = await seedNamedFile(env, { namespace: "saver", name: "old.mp4", bytes: patternBytes(10), lastAccessedAt: now - 31 * 60_000 });
    const fresh = await seedNamedFile(env, { namespace: "saver", name: "fresh.mp4", bytes: patternBytes(10), lastAccessedAt: now - 5 * 60_000 });
    const removed = await collectIdleFiles(env, 30 * 60, now);
    expect(removed).toBeGreaterThanOrEqual(1);
    expect(await env.MEDIA.head(old.key)).toBeNull();
    expect(await findNamedFile(env, "saver", "old.mp4")).toBeUndefined();
    expect(await env.MEDIA.head(fresh.key)).not.toBeNull();
    expect(await findNamedFile(env, "saver", "fresh.mp4")).toBeDefined();
  });

  it("should remove each idle file exactly once when two passes overlap", async () => {
    const now = Date.now();
    const seeded = [];
    for (let i = 0; i < 5; i++) {
      seeded.push(await seedNamedFile(env, { namespace: "saver", name: `twice-${i}.mp4`, bytes: patternBytes(10), lastAccessedAt: now - 3600_000 }));
    }
    const [a, b] = await Promise.all([collectIdleFiles(env, 1800, now), collectIdleFiles(env, 1800, now)]);
    // Each row is deleted by exactly one pass (DELETE … RETURNING), so the two counts split the five.
    expect(a + b).toBe(5);
    for (const { key } of seeded) expect(await env.MEDIA.head(key)).toBeNull();
    for (let i = 0; i < 5; i++) expect(await findNamedFile(env, "saver", `twice-${i}.mp4`)).toBeUndefined();
    expect(await collectIdleFiles(env, 1800, now)).toBe(0);
  });

  it("should collect more idle files than one D1 statement may list (250, limit 100 parameters)", async () => {
    const now = Date.now();
    const seeded = await seedIdleFiles(env, 250, now - 3600_000);
    expect(await collectIdleFiles(env, 1800, now)).toBe(250);
    expect(await getFilesByIds(env, seeded.map((f) => f.id))).toEqual([]);
    const left = await env.MEDIA.list({ prefix: seeded[0]!.r2Key.replace(/[^/]+$/, "") });
    expect(left.objects).toEqual([]);
    expect(await findNamedFile(env, "saver", `${seeded[249]!.id}.mp4`)).toBeUndefined();
  });

  it("should split 250 idle files between two overlapping passes, each removed once, none left", async () => {
    const now = Date.now();
    const seeded = await seedIdleFiles(env, 250, now - 3600_000);
    const [a, b] = await Promise.all([collectIdleFiles(env, 1800, now), collectIdleFiles(env, 1800, now)]);
    expect(a + b).toBe(250);
    const left = await env.MEDIA.list({ prefix: seeded[0]!.r2Key.replace(/[^/]+$/, "") });
    expect(left.objects).toEqual([]);
    expect(await collectIdleFiles(env, 1800, now)).toBe(0);
  });

  it("should keep a file whose idle clock was restarted for a hand-out, and report one already collected as missing", async () => {
    const now = Date.now();
    const handedOut = await seedNamedFile(env, { namespace: "saver", name: "handed.mp4", bytes: patternBytes(10), lastAccessedAt: now - 29 * 60_000 });
    const collected = await seedNamedFile(env, { namespace: "saver", name: "gone.mp4", bytes: patternBytes(10), lastAccessedAt: now - 31 * 60_000 });
    await collectIdleFiles(env, 1800, now);
    const touched = await touchFilesForHandOut(env, [handedOut.file.id, collected.file.id], now);
    expect(touched.map((f) => f.id)).toEqual([handedOut.file.id]);
    expect(await collectIdleFiles(env, 1800, now + 120_000)).toBe(0);
    expect(await env.MEDIA.head(handedOut.key)).not.toBeNull();
  });

  it("should never collect files kept on purpose", async () => {
    const put = await putStream(env.MEDIA, "t/keep.bin", streamOf(patternBytes(10)), { contentType: "x/y", length: 10, maxBytes: 100 });
    await registerFile(env, { key: put.key, size: 10, contentType: "x/y", etag: put.etag, retention: "keep" }, Date.now() - 86_400_000);
    await collectIdleFiles(env, 60);
    expect(await env.MEDIA.head("t/keep.bin")).not.toBeNull();
  });
});
