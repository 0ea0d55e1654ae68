/**
 * Serves files of one directory over loopback HTTP with Range, standing in for the Worker's signed R2
 * URLs of uploaded originals.
 */
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { sendMedia } from "../../fixtures/send-media.ts";

export type ClipServer = { origin: string; url(name: string): string; close(): Promise<void> };

export const startClipServer = async (dir: string): Promise<ClipServer> => {
  const server = http.createServer((req, res) => {
    void (async () => {
      const name = decodeURIComponent(new URL(req.url ?? "/", "http://clips").pathname.slice(1));
      const file = path.join(dir, path.basename(name));
      const size = await stat(file).then((s) => s.size, () => undefined);
      if (size === undefined) {
        res.writeHead(404).end();
        return;
      }
      await sendMedia(req, res, { kind: "file", path: file, size, contentType: "video/mp4" }, undefined);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (name) => `${origin}/${encodeURIComponent(name)}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
