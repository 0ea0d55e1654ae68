/**
 * A ZIP of stored files built while it is sent: STORE entries, ZIP64 where needed, exact length known up
 * front (`Content-Length`, progress bars). Every stored file's CRC-32 is known before the archive starts
 * (recorded when the file was stored, or computed once here and recorded for next time), so its headers are
 * written around the data and the data itself is piped by the runtime from R2 into the response without
 * JavaScript touching it. A ZIP library would have to see every byte to checksum it; that is what capped
 * the archive at about a third of the speed of one stored object (see bench/archive/zip-memory.ts).
 */
import { crc32 } from "node:zlib";
import { eq } from "drizzle-orm";
import { getDb } from "../db/client";
import { files as filesTable, type FileRow } from "../db/schema";
import { planZip, type ZipEntryMeta } from "./zip-format";

/**
 * Files opened ahead of the one being written (their first bytes are on the way while it streams): at most
 * this many, and no more than OPEN_AHEAD_BYTES of them beyond the next one. An opened body holds only what
 * the runtime buffers, so these bound connections more than memory.
 */
export const OPEN_AHEAD_FILES = 16;
export const OPEN_AHEAD_BYTES = 8 * 1024 * 1024;

export type ZipFileRow = Pick<FileRow, "id" | "r2Key" | "size" | "etag" | "crc32" | "createdAt">;

export interface ZipFileEntry {
  /** Path inside the archive (`/`-separated). */
  name: string;
  file: ZipFileRow;
}

export interface ZipBytesEntry {
  name: string;
  bytes: Uint8Array;
  lastModified: Date;
}

/**
 * A 200 response streaming the archive of small in-memory `extras` and then `files` (opened from R2 as the
 * archive reaches them). Files without a recorded CRC-32 are read once first to compute it.
 */
export async function zipResponse(env: Env, files: readonly ZipFileEntry[], extras: readonly ZipBytesEntry[], filename: string): Promise<Response> {
  const checked = await withChecksums(env, files);
  const plan = planZip([
    ...extras.map((e): ZipEntryMeta => ({ name: e.name, size: e.bytes.byteLength, crc32: crc32(e.bytes), modified: e.lastModified })),
    ...checked.map((f): ZipEntryMeta => ({ name: f.name, size: f.file.size, crc32: f.crc32, modified: f.file.createdAt })),
  ]);
  const { readable, writable } = new FixedLengthStream(plan.length);
  // Not awaited: the response streams while this writes. A failure aborts the body mid-way, so a client
  // sees a broken download, never an archive that silently lacks a file.
  writeArchive(env.MEDIA, plan, extras, checked, writable).catch((err: unknown) => writable.abort(err).catch(() => undefined));
  return new Response(readable, {
    status: 200,
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
      "Content-Length": String(plan.length),
    },
  });
}

type CheckedEntry = ZipFileEntry & { crc32: number };

/** The entries with their CRC-32, computing (and recording) the ones not recorded yet. */
async function withChecksums(env: Env, files: readonly ZipFileEntry[]): Promise<CheckedEntry[]> {
  const out: CheckedEntry[] = [];
  for (const f of files) out.push({ ...f, crc32: f.file.crc32 ?? (await recordChecksum(env, f.file)) });
  return out;
}

/** Reads a stored file once to compute its CRC-32 and records it on the file's row. */
export async function recordChecksum(env: Env, file: ZipFileRow): Promise<number> {
  const object = await env.MEDIA.get(file.r2Key);
  if (!object || object.size !== file.size || object.httpEtag !== file.etag) throw changed(file);
  let value = 0;
  // zlib's crc32 is native: JavaScript runs once per chunk R2 hands over, whatever its size.
  for await (const chunk of object.body) value = crc32(chunk, value);
  await getDb(env).update(filesTable).set({ crc32: value }).where(eq(filesTable.id, file.id));
  return value;
}

const changed = (file: ZipFileRow) => new Error(`stored file ${file.r2Key} is missing or changed since it was recorded`);

/** Writes each entry's header and data in order, then the central directory, into the response body. */
async function writeArchive(
  bucket: R2Bucket,
  plan: ReturnType<typeof planZip>,
  extras: readonly ZipBytesEntry[],
  files: readonly CheckedEntry[],
  writable: WritableStream<Uint8Array>,
): Promise<void> {
  const write = async (bytes: Uint8Array) => {
    const writer = writable.getWriter();
    try {
      await writer.write(bytes);
    } finally {
      writer.releaseLock();
    }
  };
  let index = 0;
  for (const e of extras) {
    await write(plan.localHeader(index++));
    await write(e.bytes);
  }
  const ahead = openAhead(bucket, files);
  try {
    for (const [i, f] of files.entries()) {
      const object = await ahead.take(i);
      // The length and checksums were promised: an object that vanished or changed meanwhile fails the archive.
      if (!object || object.size !== f.file.size || object.httpEtag !== f.file.etag) throw changed(f.file);
      await write(plan.localHeader(index++));
      await object.body.pipeTo(writable, { preventClose: true });
    }
  } finally {
    await ahead.cancelRest();
  }
  await write(plan.trailer());
  await writable.close();
}

/** Opens files ahead of the one being written, within OPEN_AHEAD_FILES and OPEN_AHEAD_BYTES. */
function openAhead(bucket: R2Bucket, files: readonly ZipFileEntry[]) {
  const opened = new Map<number, Promise<R2ObjectBody | null>>();
  let next = 0;
  const fill = (current: number) => {
    let bytes = 0;
    for (let i = current + 1; i < next; i++) bytes += files[i]!.file.size;
    while (next < files.length && next - current <= OPEN_AHEAD_FILES && (next <= current + 1 || bytes + files[next]!.file.size <= OPEN_AHEAD_BYTES)) {
      if (next > current) bytes += files[next]!.file.size;
      const get = bucket.get(files[next]!.file.r2Key);
      // A rejection is seen when the file's turn comes; until then it must not count as unhandled.
      get.catch(() => undefined);
      opened.set(next++, get);
    }
  };
  return {
    async take(i: number): Promise<R2ObjectBody | null> {
      fill(i);
      const get = opened.get(i)!;
      opened.delete(i);
      return get;
    },
    /** Bodies opened but never written (the archive failed or was cancelled): released, not left to time out. */
    async cancelRest(): Promise<void> {
      const rest = [...opened.values()];
      opened.clear();
      await Promise.all(rest.map((get) => get.then((o) => o?.body.cancel(), () => undefined).catch(() => undefined)));
    },
  };
}
