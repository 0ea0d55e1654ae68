/**
 * For the messaging fakes: a place to put bytes that a "provider" then downloads by URL (Telegram's sendVideo
 * with a URL, Twilio's MediaUrl), and the download itself, which only ever reaches loopback addresses (tests
 * never leave 127.0.0.1).
 *
 *   PUT  /__fake/files/<name>   store the body (any length, chunked or not)
 *   GET  /__fake/files/<name>   serve it with Content-Length and its Content-Type
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface DownloadedMedia {
  url: string;
  /** HTTP status of the download; 0 when it was not attempted (not loopback) or failed without an answer. */
  status: number;
  size: number;
  sha256: string;
  contentType: string | undefined;
  /** Why the download did not produce the bytes, when it did not. */
  error?: string;
}

export function isLoopbackUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:") && (u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]");
  } catch {
    return false;
  }
}

/** Downloads `url` (loopback only), hashing as it reads; stops reading past `limit` bytes. */
export async function download(url: string, limit: number): Promise<DownloadedMedia> {
  const empty = { url, size: 0, sha256: "", contentType: undefined };
  if (!isLoopbackUrl(url)) return { ...empty, status: 0, error: "not a loopback URL: the fakes never leave 127.0.0.1" };
  let res: Response;
  try {
    res = await fetch(url, { redirect: "manual" });
  } catch (e) {
    return { ...empty, status: 0, error: e instanceof Error ? e.message : String(e) };
  }
  const contentType = res.headers.get("content-type") ?? undefined;
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    return { ...empty, status: res.status, contentType, error: `HTTP ${res.status}` };
  }
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) {
      await res.body.cancel().catch(() => undefined);
      return { url, status: res.status, size, sha256: "", contentType, error: `larger than ${limit} bytes` };
    }
    hash.update(chunk);
  }
  return { url, status: res.status, size, sha256: hash.digest("hex"), contentType };
}

export interface FileHost {
  /** Answers `/__fake/files/…` requests; false when the path is not its own. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export function createFileHost(): FileHost {
  const files = new Map<string, { bytes: Buffer; contentType: string }>();
  return {
    async handle(req, res, url) {
      const m = /^\/__fake\/files\/([A-Za-z0-9._-]{1,200})$/.exec(url.pathname);
      if (!m) return false;
      const name = m[1]!;
      if (req.method === "PUT") {
        const chunks: Buffer[] = [];
        for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
        files.set(name, { bytes: Buffer.concat(chunks), contentType: req.headers["content-type"] ?? "application/octet-stream" });
        res.writeHead(201, { Location: url.href, "Content-Length": 0 }).end();
        return true;
      }
      const file = files.get(name);
      if ((req.method === "GET" || req.method === "HEAD") && file) {
        res.writeHead(200, { "Content-Type": file.contentType, "Content-Length": file.bytes.length });
        res.end(req.method === "GET" ? file.bytes : undefined);
        return true;
      }
      res.writeHead(file ? 405 : 404, { "Content-Length": 0 }).end();
      return true;
    },
  };
}
