/**
 * The streamed ZIP of stored files (worker/media/zip.ts): every file arrives whole, in order, files are
 * opened ahead within their budget, checksums come from the files' rows (computed once for files without
 * one), and a file that vanished or changed fails the archive. The bucket is miniflare's R2; the wrapper
 * around it only observes when reads start and finish.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { crc32 } from "node:zlib";
import { getFilesByIds, putStream, registerFile } from "../../../worker/media/store";
import { OPEN_AHEAD_BYTES, OPEN_AHEAD_FILES, zipResponse, type ZipFileEntry } from "../../../worker/media/zip";
import { zipEntries } from "../../support/zip-entries";
import { patternBytes, streamOf } from "../support/files";

/** R2 as it is, recording how many reads were open at once (from get() to the end of their body). */
function observedBucket(bucket: R2Bucket) {
  const seen = { open: 0, maxOpen: 0, gets: 0 };
  const observed = new Proxy(bucket, {
    get(target, prop) {
      if (prop !== "get") return Reflect.get(target, prop, target);
      return async (key: string) => {
        seen.gets++;
        seen.open++;
        seen.maxOpen = Math.max(seen.maxOpen, seen.open);
        const object = await target.get(key);
        if (!object) {
          seen.open--;
          return object;
        }
        const close = () => {
          seen.open--;
        };
        // Only what the zip reads; R2's own object has read-only fields.
        return {
          size: object.size,
          httpEtag: object.httpEtag,
          body: object.body.pipeThrough(new TransformStream({ flush: close, cancel: close })),
        } as unknown as R2ObjectBody;
      };
    },
  });
  return { env: { ...env, MEDIA: observed } as Env, seen };
}

/** Stores files as the platform does (CRC-32 recorded), or with none recorded (files stored before it was kept). */
async function storeFiles(prefix: string, sizes: number[], opts: { recordCrc32?: boolean } = {}): Promise<{ entries: ZipFileEntry[]; contents: Map<string, Uint8Array> }> {
  const entries: ZipFileEntry[] = [];
  const contents = new Map<string, Uint8Array>();
  for (const [i, size] of sizes.entries()) {
    const bytes = patternBytes(size, i + 1);
    const put = await putStream(env.MEDIA, `${prefix}/${i}.bin`, streamOf(bytes), { contentType: "video/mp4", length: size, maxBytes: 1 << 30 });
    const file = await registerFile(env, { key: put.key, size, contentType: "video/mp4", etag: put.etag, crc32: opts.recordCrc32 === false ? null : put.crc32 });
    const name = `videos/${String(i).padStart(3, "0")}.mp4`;
    entries.push({ name, file });
    contents.set(name, bytes);
  }
  return { entries, contents };
}

const extras = [{ name: "metadata.json", bytes: new TextEncoder().encode('{"ok":true}'), lastModified: new Date() }];

describe("zipResponse", () => {
  it("should hold every file whole and in order, opening the next ones while one streams", async () => {
    const { entries, contents } = await storeFiles("zip-small", Array.from({ length: 40 }, (_, i) => 20_000 + i * 997));
    const observed = observedBucket(env.MEDIA);
    const res = await zipResponse(observed.env, entries, extras, "small.zip");
    const zip = new Uint8Array(await res.arrayBuffer());

    expect(Number(res.headers.get("Content-Length"))).toBe(zip.byteLength);
    const read = zipEntries(zip);
    expect([...read.keys()]).toEqual(["metadata.json", ...contents.keys()]);
    for (const [name, bytes] of contents) expect(read.get(name)).toEqual(bytes);
    // Every checksum was recorded when the file was stored: each file is read once, for the archive.
    expect(observed.seen.gets).toBe(40);
    expect(observed.seen.maxOpen).toBeGreaterThan(1);
    expect(observed.seen.maxOpen).toBeLessThanOrEqual(OPEN_AHEAD_FILES + 1);
  });

  it("should open ahead no more than the byte budget holds beyond the next file", async () => {
    const size = 3 * 1024 * 1024;
    const { entries, contents } = await storeFiles("zip-budget", Array.from({ length: 6 }, () => size));
    const observed = observedBucket(env.MEDIA);
    const read = zipEntries(new Uint8Array(await (await zipResponse(observed.env, entries, [], "budget.zip")).arrayBuffer()));
    for (const [name, bytes] of contents) expect(read.get(name)).toEqual(bytes);
    expect(observed.seen.maxOpen).toBeGreaterThan(1);
    expect(observed.seen.maxOpen).toBeLessThanOrEqual(1 + Math.max(1, Math.floor(OPEN_AHEAD_BYTES / size)));
  });

  it("should compute and record the checksum of a file stored before checksums were kept, once", async () => {
    const { entries, contents } = await storeFiles("zip-legacy", [70_000, 3 * 1024 * 1024 + 5], { recordCrc32: false });
    const first = observedBucket(env.MEDIA);
    const read = zipEntries(new Uint8Array(await (await zipResponse(first.env, entries, [], "legacy.zip")).arrayBuffer()));
    for (const [name, bytes] of contents) expect(read.get(name)).toEqual(bytes);
    const rows = await getFilesByIds(env, entries.map((e) => e.file.id));
    for (const e of entries) expect(rows.find((r) => r.id === e.file.id)?.crc32).toBe(crc32(contents.get(e.name)!));
    // Read once for the checksum and once for the archive; the next archive reads each file once.
    expect(first.seen.gets).toBe(4);
    const again = observedBucket(env.MEDIA);
    await (await zipResponse(again.env, rows.map((file, i) => ({ name: entries[i]!.name, file })), [], "again.zip")).arrayBuffer();
    expect(again.seen.gets).toBe(2);
  });

  it("should fail the archive rather than leave out a file that vanished after its length was promised", async () => {
    const { entries } = await storeFiles("zip-missing", [5000, 6000, 7000]);
    await env.MEDIA.delete(entries[1]!.file.r2Key);
    await expect((await zipResponse(env, entries, [], "missing.zip")).arrayBuffer()).rejects.toThrow();
  });

  it("should fail the archive rather than write a checksum that no longer matches a file rewritten in place", async () => {
    const { entries } = await storeFiles("zip-rewritten", [5000, 6000, 7000]);
    await env.MEDIA.put(entries[2]!.file.r2Key, patternBytes(7000, 99));
    await expect((await zipResponse(env, entries, [], "rewritten.zip")).arrayBuffer()).rejects.toThrow();
  });
});
