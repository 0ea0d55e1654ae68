/**
 * A ZIP built while it is sent (client-zip: STORE entries with data descriptors, ZIP64 past 4 GB), from
 * stored files opened one at a time as the archive reaches them, so memory stays flat whatever the total.
 * Sizes are known up front, so the archive's exact length is too (`Content-Length`, progress bars).
 */
import { downloadZip, predictLength } from "client-zip";
import type { FileRow } from "../db/schema";

/** Objects opened ahead of the one being written. */
const ZIP_LOOKAHEAD = 4;

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
    // Each open is a round trip to R2: the next few are requested while the current one streams, so small
    // files do not each wait for their own. Only their heads are held (bodies stream when read).
    const opened: Promise<R2ObjectBody | null>[] = [];
    const openNext = () => {
      const next = files[opened.length];
      if (next) opened.push(bucket.get(next.file.r2Key));
    };
    for (let i = 0; i < ZIP_LOOKAHEAD; i++) openNext();
    for (const [i, f] of files.entries()) {
      const object = await opened[i]!;
      openNext();
      // The archive's length was promised: a file that vanished meanwhile cannot be left out silently.
      if (!object || object.size !== f.file.size) throw new Error(`stored file ${f.file.r2Key} is missing or changed`);
      yield { name: f.name, input: object.body, lastModified: f.file.createdAt, size: f.file.size };
    }
  }
  const zipped = downloadZip(inputs(), { length });
  const headers = new Headers(zipped.headers);
  headers.set("Content-Type", "application/zip");
  headers.set("Content-Disposition", `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`);
  headers.set("Content-Length", String(length));
  return new Response(zipped.body, { status: 200, headers });
}
