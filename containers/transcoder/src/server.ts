/**
 * The transcoder's HTTP server: GET /healthz, POST /v1/fetch (NDJSON), POST /v1/probe (JSON).
 * Stateless: nothing survives a request except the cached tool versions.
 *
 * `node containers/transcoder/src/server.ts` listens on HOST:PORT (127.0.0.1:8788 by default);
 * tests create servers in-process with `startTranscoderServer(config)`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { TRANSCODER_PATHS } from "../../../protocol/transcoder.ts";
import type { AppContext } from "./app-context.ts";
import { type Config, loadConfig } from "./config.ts";
import { sendJson } from "./lib/http-json.ts";
import type { LookupAll } from "./lib/net-guard.ts";
import { killAllChildren } from "./lib/spawn.ts";
import { handleFetch } from "./ops/fetch.ts";
import { handleHealth } from "./ops/health.ts";
import { handleProbe } from "./ops/probe.ts";

type Handler = (app: AppContext, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  [TRANSCODER_PATHS.health]: { GET: handleHealth },
  [TRANSCODER_PATHS.fetch]: { POST: handleFetch },
  [TRANSCODER_PATHS.probe]: { POST: handleProbe },
};

/** Compares digests, so neither the token's content nor its length leaks through timing. */
const bearerMatches = (header: string | undefined, token: string): boolean => {
  const given = /^Bearer (.+)$/.exec(header ?? "")?.[1] ?? "";
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
};

export type TranscoderServer = { url: string; port: number; close(): Promise<void> };

export type ServerOptions = { lookup?: LookupAll; log?: (message: string) => void };

export const startTranscoderServer = async (config: Config, opts: ServerOptions = {}): Promise<TranscoderServer> => {
  const shutdown = new AbortController();
  const app: AppContext = {
    config,
    shutdown: shutdown.signal,
    log: opts.log ?? ((message) => console.error(`[transcoder] ${message}`)),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
  };

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://transcoder").pathname;
    const methods = ROUTES[pathname];
    if (!methods) return sendJson(res, 404, { error: { code: "input.invalid", message: `no route ${pathname}`, retryable: false } });
    const handler = methods[req.method ?? ""];
    if (!handler) {
      res.setHeader("Allow", Object.keys(methods).join(", "));
      return sendJson(res, 405, { error: { code: "input.invalid", message: `${req.method} not allowed`, retryable: false } });
    }
    // Health stays open for orchestration probes; operations need the Worker's token when one is set.
    if (config.token && pathname !== TRANSCODER_PATHS.health && !bearerMatches(req.headers.authorization, config.token)) {
      res.setHeader("WWW-Authenticate", "Bearer");
      return sendJson(res, 401, { error: { code: "input.invalid", message: "missing or wrong bearer token", retryable: false } });
    }
    handler(app, req, res).catch((err: unknown) => {
      app.log(`${req.method} ${pathname}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: "internal", message: "internal error", retryable: true } });
      else res.destroy();
    });
  });
  // Operations stream for minutes; Node's default request timeout (5 min) would cut long fetches.
  server.requestTimeout = 0;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const config = loadConfig();
  const server = await startTranscoderServer(config);
  console.log(`transcoder listening on ${server.url}${config.testMode ? " (test mode)" : ""}`);
  const stop = () => {
    killAllChildren();
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
