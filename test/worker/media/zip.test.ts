/**
 * The streamed ZIP of stored files (worker/media/zip.ts): every file arrives whole, in order, and the
 * read-ahead really overlaps reads of small files while keeping the bytes it holds within its budget. The
 * bucket is miniflare's R2; the wrapper around it only observes when reads start and finish.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { coalesce, READ_AHEAD_BYTES, READ_AHEAD_FILE_BYTES, READ_AHEAD_FILES, zipResponse, type ZipFileEntry } from "../../../worker/media/zip";
import { zipEntries } from "../../support/zip-entries";
import { patternBytes, streamOf } from "../support/files";

/** R2 as it is, recording how many reads were open at once and the bytes fetched but not yet consumed. */
function observedBucket(bucket: R2Bucket) {
  const seen = { open: 0, maxOpen: 0, gets: 0, largeOpen: 0, maxLargeOpen: 0 };
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
        // A read ends when its body has been read: arrayBuffer() or the stream's end.
        const arrayBuffer = object.arrayBuffer.bind(object);
        // Only what the zip reads (size, arrayBuffer, body); R2's own object has read-only fields.
        return {
          size: object.size,
          arrayBuffer: async () => {
            try {
              return await arrayBuffer();
            } finally {
              seen.open--;
            }
          },
          // A body read as a stream is a large file: counted apart, from its open to its end.
          get body() {
            seen.largeOpen++;
            seen.maxLargeOpen = Math.max(seen.maxLargeOpen, seen.largeOpen);
            return object.body.pipeThrough(
              new TransformStream({
                flush: () => {
                  seen.open--;
                  seen.largeOpen--;
                },
              }),
            );
          },
        } as unknown as R2ObjectBody;
      };
    },
  });
  return { bucket: observed, seen };
}

async function storeFiles(prefix: string, sizes: number[]): Promise<{ entries: ZipFileEntry[]; contents: Map<string, Uint8Array> }> {
  const entries: ZipFileEntry[] = [];
  const contents = new Map<string, Uint8Array>();
  for (const [i, size] of sizes.entries()) {
    const bytes = patternBytes(size, i + 1);
    const r2Key = `${prefix}/${i}.bin`;
    await env.MEDIA.put(r2Key, bytes);
    const name = `videos/${String(i).padStart(3, "0")}.mp4`;
    entries.push({ name, file: { r2Key, size, createdAt: new Date(Date.UTC(2026, 0, 1 + i)) } });
    contents.set(name, bytes);
  }
  return { entries, contents };
}

const extras = [{ name: "metadata.json", bytes: new TextEncoder().encode('{"ok":true}'), lastModified: new Date() }];

describe("zipResponse", () => {
  it("should hold every file whole and in order, reading the small ones ahead concurrently", async () => {
    const { entries, contents } = await storeFiles("zip-small", Array.from({ length: 40 }, (_, i) => 20_000 + i * 997));
    const { bucket, seen } = observedBucket(env.MEDIA);
    const res = zipResponse(bucket, entries, extras, "small.zip");
    const zip = new Uint8Array(await res.arrayBuffer());

    expect(Number(res.headers.get("Content-Length"))).toBe(zip.byteLength);
    const read = zipEntries(zip);
    expect([...read.keys()]).toEqual(["metadata.json", ...contents.keys()]);
    for (const [name, bytes] of contents) expect(read.get(name)).toEqual(bytes);
    expect(seen.gets).toBe(40);
    // Reads overlap, but never more than the files after the one being written plus that one.
    expect(seen.maxOpen).toBeGreaterThan(1);
    expect(seen.maxOpen).toBeLessThanOrEqual(READ_AHEAD_FILES + 1);
  });

  it("should keep the bytes read ahead within the budget and stream larger files, opening each one file early", async () => {
    const small = READ_AHEAD_FILE_BYTES - 1000;
    const fit = Math.floor(READ_AHEAD_BYTES / small);
    const large = READ_AHEAD_FILE_BYTES + 1;
    // More small files than the budget holds, then large ones, which are never read ahead whole.
    const sizes = [...Array.from({ length: fit + 3 }, () => small), large, large, large, 1000];
    const { entries, contents } = await storeFiles("zip-budget", sizes);
    const { bucket, seen } = observedBucket(env.MEDIA);
    const zip = new Uint8Array(await zipResponse(bucket, entries, [], "budget.zip").arrayBuffer());

    const read = zipEntries(zip);
    for (const [name, bytes] of contents) expect(read.get(name)).toEqual(bytes);
    // Reads open at once: never more small ones than the budget holds, plus at most two large streams.
    expect(seen.maxOpen).toBeLessThanOrEqual(fit + 2);
    expect(seen.maxLargeOpen).toBeLessThanOrEqual(2);
  });

  it("should fail the archive rather than leave out a file that vanished after its length was promised", async () => {
    const { entries } = await storeFiles("zip-missing", [5000, 6000, 7000]);
    await env.MEDIA.delete(entries[1]!.file.r2Key);
    const res = zipResponse(env.MEDIA, entries, [], "missing.zip");
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe("coalesce", () => {
  it("should regroup a stream's small chunks into chunks of the given size, bytes unchanged", async () => {
    const bytes = patternBytes(100_003);
    const out: Uint8Array[] = [];
    for await (const chunk of coalesce(streamOf(bytes, 4096), 10_000)) out.push(chunk.slice());
    expect(out.map((c) => c.byteLength)).toEqual([...Array.from({ length: 10 }, () => 10_000), 3]);
    expect(new Uint8Array(out.flatMap((c) => [...c]))).toEqual(bytes);
  });

  it("should fill whole chunks from an R2 body (a byte stream, read with a BYOB reader)", async () => {
    const bytes = patternBytes(3 * 65_536 + 777, 5);
    await env.MEDIA.put("zip-coalesce/body.bin", bytes);
    const body = (await env.MEDIA.get("zip-coalesce/body.bin"))!.body;
    const out: Uint8Array[] = [];
    for await (const chunk of coalesce(body, 65_536)) out.push(chunk);
    expect(out.map((c) => c.byteLength)).toEqual([65_536, 65_536, 65_536, 777]);
    expect(new Uint8Array(out.flatMap((c) => [...c]))).toEqual(bytes);
  });

  it("should not reuse a chunk it already handed out", async () => {
    const handed: Uint8Array[] = [];
    for await (const chunk of coalesce(streamOf(patternBytes(30_000), 7000), 10_000)) handed.push(chunk);
    // Held, not copied: a later chunk written into the same buffer would change the first one.
    expect(handed[0]).toEqual(patternBytes(10_000));
  });
});
