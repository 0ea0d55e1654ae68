/**
 * A stand-in for the Worker's upload endpoint: accepts `PUT <prefix>/<name>`, stores the body in a
 * temp dir and records what arrived. A path containing `/fail/` is answered 500 (after reading the
 * body), to exercise `upload.failed`.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { crc32 } from "node:zlib";
import { CONTENT_CRC32_HEADER } from "../../../protocol/transcoder.ts";

export type ReceivedUpload = {
  /** The request path, e.g. `/up/<test-id>/0.mp4`. */
  path: string;
  /** The decoded last path segment: the output name. */
  name: string;
  contentType: string | undefined;
  contentLength: number | undefined;
  /** Where the body was saved. */
  file: string;
  bytes: number;
  /** The CRC-32 the uploader declared (CONTENT_CRC32_HEADER), and the one of the bytes that arrived. */
  declaredCrc32: string | undefined;
  crc32: string;
};

export type Receiver = {
  origin: string;
  uploads(prefix: string): ReceivedUpload[];
  close(): Promise<void>;
};

export const startReceiver = async (): Promise<Receiver> => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "receiver-"));
  const received: ReceivedUpload[] = [];
  let counter = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      if (req.method !== "PUT") {
        res.writeHead(405).end();
        return;
      }
      const name = decodeURIComponent(url.pathname.split("/").pop() ?? "");
      const file = path.join(dir, `${counter++}-${name.replace(/[^A-Za-z0-9._-]/g, "_")}`);
      let bytes = 0;
      let checksum = 0;
      req.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        checksum = crc32(chunk, checksum);
      });
      await pipeline(req, createWriteStream(file));
      const declared = req.headers["content-length"];
      received.push({
        path: url.pathname,
        name,
        contentType: req.headers["content-type"],
        contentLength: declared === undefined ? undefined : Number(declared),
        file,
        bytes,
        declaredCrc32: req.headers[CONTENT_CRC32_HEADER.toLowerCase()] as string | undefined,
        crc32: checksum.toString(16).padStart(8, "0"),
      });
      res.writeHead(url.pathname.includes("/fail/") ? 500 : 201).end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    uploads: (prefix) => received.filter((u) => u.path.startsWith(`${prefix}/`)),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
};
