/**
 * A ZIP built while it is sent (client-zip: STORE entries with data descriptors, ZIP64 past 4 GB), from
 * stored files opened one at a time as the archive reaches them, so memory stays flat whatever the total.
 * Sizes are known up front, so the archive's exact length is too (`Content-Length`, progress bars).
 */
import { downloadZip, predictLength } from "client-zip";
import type { FileRow } from "../db/schema";

/**
 * Read-ahead: each stored file costs a round trip before its first byte, which for archives of many small
 * videos costs more than their bytes. Files up to READ_AHEAD_FILE_BYTES are read whole and concurrently,
 * up to READ_AHEAD_FILES after the one being written and READ_AHEAD_BYTES held in all. A larger file is
 * opened one file early (its first byte is on the way while the previous one is written) and streams.
 * Whole reads stay small because V8 frees large buffers late: reading multi-MB videos whole grew the
 * isolate by tens of MB where streaming them keeps it flat.
 */
export const READ_AHEAD_FILES = 16;
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;
export const READ_AHEAD_FILE_BYTES = 1024 * 1024;
/**
 * A stored file's body arrives in chunks of a few KB; client-zip spends a fixed cost per chunk on top of
 * its CRC-32, which made a 600 MB archive of 6 MB videos take 17 s. Large files are handed to it in
 * chunks of this size instead (one copy each, held one at a time).
 */
export const ZIP_CHUNK_BYTES = 1024 * 1024;

export interface ZipFileEntry {
  /** Path inside the archive (`/`-separated). */
  name: string;
  file: Pick<FileRow, "r2Key" | "size" | "createdAt">;
}

export interface ZipBytesEntry {
  name: string;
  bytes: Uint8Array;
  lastModified: Date;
}

/** A 200 response streaming the archive of `files` (opened lazily from R2) and small in-memory `extras`. */
export function zipResponse(bucket: R2Bucket, files: readonly ZipFileEntry[], extras: readonly ZipBytesEntry[], filename: string): Response {
  const encoder = new TextEncoder();
  const length = predictLength([
    ...files.map((f) => ({ name: encoder.encode(f.name), size: f.file.size })),
    ...extras.map((e) => ({ name: encoder.encode(e.name), size: e.bytes.byteLength })),
  ]);
  async function* inputs() {
    for (const e of extras) yield { name: e.name, input: e.bytes, lastModified: e.lastModified, size: e.bytes.byteLength };
    yield* readAhead(bucket, files);
  }
  const zipped = downloadZip(inputs(), { length });
  const headers = new Headers(zipped.headers);
  headers.set("Content-Type", "application/zip");
  headers.set("Content-Disposition", `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
  headers.set("Content-Length", String(length));
  return new Response(zipped.body, { status: 200, headers });
}

type Fetched = { size: number; body: AsyncIterable<Uint8Array> | Uint8Array } | null;

/**
 * The stream's bytes in chunks of `size` bytes (the last one shorter). A byte stream (R2's bodies) is read
 * with a BYOB reader that fills each chunk natively (`readAtLeast`), so JavaScript runs once per chunk,
 * not once per few-KB piece; any other stream is regrouped by copying.
 */
export async function* coalesce(stream: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream: regrouped below.
  }
  if (byob) {
    try {
      for (;;) {
        // Each read gets a fresh buffer: the chunk handed out before may still be queued downstream.
        const { value, done } = await byob.readAtLeast(size, new Uint8Array(size));
        if (value && value.byteLength > 0) yield value;
        if (done || !value || value.byteLength < size) return;
      }
    } finally {
      byob.releaseLock();
    }
  }
  let buffer = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of stream) {
    let offset = 0;
    while (offset < chunk.byteLength) {
      const take = Math.min(size - filled, chunk.byteLength - offset);
      buffer.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === size) {
        yield buffer;
        // The chunk just handed out may still be queued downstream: the next one gets its own buffer.
        buffer = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield buffer.subarray(0, filled);
}

/** The files in order, as zip inputs, with the read-ahead described at READ_AHEAD_FILES. */
async function* readAhead(bucket: R2Bucket, files: readonly ZipFileEntry[]) {
  const pending: Promise<Fetched>[] = [];
  let started = 0;
  let heldBytes = 0;
  const isSmall = (f: ZipFileEntry) => f.file.size <= READ_AHEAD_FILE_BYTES;
  const start = (f: ZipFileEntry): Promise<Fetched> =>
    isSmall(f)
      ? bucket.get(f.file.r2Key).then(async (object) => (object ? { size: object.size, body: new Uint8Array(await object.arrayBuffer()) } : null))
      : bucket.get(f.file.r2Key).then((object) => (object ? { size: object.size, body: coalesce(object.body, ZIP_CHUNK_BYTES) } : null));
  const fill = (current: number) => {
    while (started < files.length && started - current <= READ_AHEAD_FILES) {
      const next = files[started]!;
      if (isSmall(next)) {
        if (started !== current && heldBytes + next.file.size > READ_AHEAD_BYTES) break;
        heldBytes += next.file.size;
      } else if (started > current + 1) {
        break;
      }
      pending.push(start(next));
      // Started reads run on even when their promise is not awaited yet; a rejection is seen when it is.
      pending.at(-1)!.catch(() => undefined);
      started++;
    }
  };
  for (const [i, f] of files.entries()) {
    fill(i);
    const object = await pending[i]!;
    // The archive's length was promised: a file that vanished meanwhile cannot be left out silently.
    if (!object || object.size !== f.file.size) throw new Error(`stored file ${f.file.r2Key} is missing or changed`);
    yield { name: f.name, input: object.body, lastModified: f.file.createdAt, size: f.file.size };
    // client-zip asks for the next input once this one is written: its bytes are no longer held here.
    if (isSmall(f)) heldBytes -= f.file.size;
    delete pending[i];
  }
}
