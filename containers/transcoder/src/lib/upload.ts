/**
 * Uploads an output file to the Worker: `PUT ${uploadUrl}/${encodeURIComponent(name)}`, streamed from
 * disk with Content-Length. The upload URL comes from the Worker (signed), not from the post, so it is
 * not subject to the network guard; any non-2xx answer is `upload.failed`, which the task engine retries.
 */
import { createReadStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { type Result, fail, ok } from "./result.ts";

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

export const uploadFile = (opts: UploadOptions): Promise<Result<void>> =>
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
      headers: { "Content-Type": opts.contentType, "Content-Length": String(opts.size) },
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
