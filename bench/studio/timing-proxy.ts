/**
 * A loopback pass-through in front of the transcoder that records how long each operation request took
 * (request start → last byte of its NDJSON answer): the platform's time split into transcoder operations
 * and everything around them (Worker, queue, D1, R2 bookkeeping).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type TranscoderCall = { path: string; startedAt: number; seconds: number };

export type TimingProxy = { url: string; calls: TranscoderCall[]; close(): Promise<void> };

export const startTimingProxy = async (target: string): Promise<TimingProxy> => {
  const calls: TranscoderCall[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const startedAt = performance.now();
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on("end", () => calls.push({ path: (req.url ?? "").split("?")[0]!, startedAt, seconds: (performance.now() - startedAt) / 1000 }));
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
