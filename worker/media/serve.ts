/**
 * Serving a stored file over HTTP: full body, one byte range (206), unsatisfiable ranges (416), HEAD,
 * conditional GET. The body streams from R2; only the requested range is read.
 */
import type { FileRow } from "../db/schema";
import { decideRange } from "../lib/http-range";

export interface ServeOptions {
  method: string;
  range: string | null | undefined;
  ifNoneMatch?: string | null;
  /** `attachment; filename=…` for download endpoints; omitted for inline streaming. */
  downloadName?: string;
  /** Override the stored type (e.g. a face that documents application/octet-stream). */
  contentType?: string;
}

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** What serving needs to know of a stored object: a `files` row, or an object read straight from R2. */
export type ServableObject = Pick<FileRow, "r2Key" | "size" | "contentType" | "etag" | "createdAt">;

function baseHeaders(file: ServableObject, opts: ServeOptions): Headers {
  const headers = new Headers({
    "Content-Type": opts.contentType ?? file.contentType,
    "Accept-Ranges": "bytes",
    ETag: file.etag,
    "Last-Modified": file.createdAt.toUTCString(),
    "Cache-Control": "private, max-age=0, must-revalidate",
    "X-Content-Type-Options": "nosniff",
  });
  if (opts.downloadName) headers.set("Content-Disposition", contentDisposition(opts.downloadName));
  return headers;
}

/** Returns undefined when the R2 object is missing (the caller answers with its face's 404). */
export async function serveFile(bucket: R2Bucket, file: ServableObject, opts: ServeOptions): Promise<Response | undefined> {
  const headers = baseHeaders(file, opts);
  const method = opts.method.toUpperCase();

  if (opts.ifNoneMatch && opts.ifNoneMatch.split(",").some((t) => t.trim() === file.etag || t.trim() === "*")) {
    const head = await bucket.head(file.r2Key);
    if (!head) return undefined;
    return new Response(null, { status: 304, headers });
  }

  const decision = decideRange(opts.range, file.size);
  if (decision.kind === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${file.size}`);
    headers.set("Content-Length", "0");
    return new Response(null, { status: 416, headers });
  }

  if (method === "HEAD") {
    const head = await bucket.head(file.r2Key);
    if (!head) return undefined;
    if (decision.kind === "partial") {
      headers.set("Content-Range", `bytes ${decision.offset}-${decision.end}/${file.size}`);
      headers.set("Content-Length", String(decision.length));
      return new Response(null, { status: 206, headers });
    }
    headers.set("Content-Length", String(file.size));
    return new Response(null, { status: 200, headers });
  }

  if (decision.kind === "partial") {
    const obj = await bucket.get(file.r2Key, { range: { offset: decision.offset, length: decision.length } });
    if (!obj) return undefined;
    headers.set("Content-Range", `bytes ${decision.offset}-${decision.end}/${file.size}`);
    headers.set("Content-Length", String(decision.length));
    return new Response(obj.body, { status: 206, headers });
  }

  const obj = await bucket.get(file.r2Key);
  if (!obj) return undefined;
  headers.set("Content-Length", String(obj.size));
  return new Response(obj.body, { status: 200, headers });
}
