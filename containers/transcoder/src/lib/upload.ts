/**
 * Uploads an output file to the Worker: `PUT ${uploadUrl}/${encodeURIComponent(name)}`, streamed from
 * disk with Content-Length. The upload URL comes from the Worker (signed), not from the post, so it is
 * not subject to the network guard; any non-2xx answer is `upload.failed`, which the task engine retries.
 * The file's CRC-32 goes with it (CONTENT_CRC32_HEADER): the Worker checks the stored bytes against it and
 * keeps it, so archives of stored files never read them to checksum them.
 */
import { createReadStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { crc32 } from "node:zlib";
import { CONTENT_CRC32_HEADER } from "../../../../protocol/transcoder.ts";
import { type Result, fail, ok } from "./result.ts";

/**
 * CRC-32 of a file, read once before the upload (zlib's, native; the file was just written, so it is read
 * from the page cache). Computed before rather than while sending because the header precedes the body.
 */
export const fileCrc32 = async (file: string, signal: AbortSignal): Promise<number> => {
  let value = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024, signal })) value = crc32(chunk as Buffer, value);
  return value;
};

/**
 * The target URL for one output. The name is appended as a path segment; a query string on the
 * signed base URL (if the Worker signs that way) stays a query string instead of swallowing the name.
 */
export const uploadTarget = (uploadUrl: string, name: string): URL => {
  const url = new URL(uploadUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${encodeURIComponent(name)}`;
  return url;
};

export type UploadOptions = {
  uploadUrl: string;
  name: string;
  file: string;
  size: number;
  contentType: string;
  signal: AbortSignal;
  /** Idle time allowed on the socket. */
  timeoutMs: number;
  onProgress?: (fraction: number) => void;
};

export const uploadFile = async (opts: UploadOptions): Promise<Result<void>> => {
  let checksum: number;
  try {
    checksum = await fileCrc32(opts.file, opts.signal);
  } catch (err) {
    if (opts.signal.aborted) return fail("internal", "aborted", false);
    return fail("upload.failed", `upload of ${opts.name}: the output could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return sendFile(opts, checksum);
};

const sendFile = (opts: UploadOptions, checksum: number): Promise<Result<void>> =>
  new Promise((resolve) => {
    const target = uploadTarget(opts.uploadUrl, opts.name);
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      resolve(fail("upload.failed", `upload URL scheme ${target.protocol} is not supported`, false));
      return;
    }
    const client = target.protocol === "https:" ? https : http;
    let settled = false;
    const settle = (r: Result<void>) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const req = client.request(target, {
      method: "PUT",
      headers: { "Content-Type": opts.contentType, "Content-Length": String(opts.size), [CONTENT_CRC32_HEADER]: checksum.toString(16).padStart(8, "0") },
      signal: opts.signal,
    });
    req.setTimeout(opts.timeoutMs, () => {
      req.destroy();
      settle(fail("upload.failed", `upload of ${opts.name} stalled for ${opts.timeoutMs} ms`));
    });
    req.on("response", (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.on("end", () => {
        if (status >= 200 && status <= 299) settle(ok(undefined));
        else settle(fail("upload.failed", `upload of ${opts.name} answered HTTP ${status}`));
      });
      res.on("error", () => settle(fail("upload.failed", `upload of ${opts.name}: response broke off`)));
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (opts.signal.aborted) settle(fail("internal", "aborted", false));
      else settle(fail("upload.failed", `upload of ${opts.name} failed: ${err.code ?? err.message}`));
    });
    let sent = 0;
    const body = createReadStream(opts.file);
    body.on("data", (chunk) => {
      sent += chunk.length;
      opts.onProgress?.(opts.size ? sent / opts.size : 1);
    });
    body.on("error", (err) => {
      req.destroy(err);
    });
    body.pipe(req);
  });
