/**
 * The transcoder's HTTP server: GET /healthz, and `POST /v1/<name>` for each operation in ops/index.ts
 * (each answers NDJSON). Stateless: nothing survives a request except the cached tool versions.
 *
 * `node containers/transcoder/src/server.ts` listens on HOST:PORT (127.0.0.1:8788 by default);
 * tests create servers in-process with `startTranscoderServer(config)`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  HEALTH_PATH,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_HEADER,
  TRANSCODER_OPERATIONS,
  type TranscoderError,
  type TranscoderOperation,
  protocolMajor,
} from "../../../protocol/transcoder.ts";
import type { AppContext } from "./app-context.ts";
import { type Config, loadConfig } from "./config.ts";
import { sendJson } from "./lib/http-json.ts";
import type { LookupAll } from "./lib/net-guard.ts";
import { runOperation } from "./lib/run-operation.ts";
import { killAllChildren } from "./lib/spawn.ts";
import { handleHealth } from "./ops/health.ts";
import { OPERATIONS } from "./ops/index.ts";

type Handler = (app: AppContext, req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

const operationHandler =
  <Op extends TranscoderOperation>(name: Op): Handler =>
  (app, req, res) =>
    runOperation(app, OPERATIONS[name], req, res);

const OPERATION_NAMES = Object.keys(TRANSCODER_OPERATIONS) as TranscoderOperation[];

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  [HEALTH_PATH]: { GET: handleHealth },
  ...Object.fromEntries(OPERATION_NAMES.map((name) => [TRANSCODER_OPERATIONS[name].path, { POST: operationHandler(name) }])),
};

/**
 * Refuses a request from a Worker that speaks another major protocol version (or does not say which):
 * the request or its result would be misread, and retrying cannot help until one side is redeployed.
 */
const protocolMismatch = (given: string | undefined): TranscoderError | undefined => {
  if (given !== undefined && protocolMajor(given) === protocolMajor(PROTOCOL_VERSION)) return undefined;
  const theirs = given === undefined ? `sent no ${PROTOCOL_VERSION_HEADER} header` : `speaks ${given.slice(0, 20)}`;
  return {
    code: "protocol.mismatch",
    message: `this transcoder speaks protocol ${PROTOCOL_VERSION} but the request ${theirs}: deploy the Worker and the container image together`,
    retryable: false,
  };
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
    // On every answer, errors included, so the Worker can tell which protocol answered it.
    res.setHeader(PROTOCOL_VERSION_HEADER, PROTOCOL_VERSION);
    const pathname = new URL(req.url ?? "/", "http://transcoder").pathname;
    const methods = ROUTES[pathname];
    if (!methods) return sendJson(res, 404, { error: { code: "input.invalid", message: `no route ${pathname}`, retryable: false } });
    const handler = methods[req.method ?? ""];
    if (!handler) {
      res.setHeader("Allow", Object.keys(methods).join(", "));
      return sendJson(res, 405, { error: { code: "input.invalid", message: `${req.method} not allowed`, retryable: false } });
    }
    // Health stays open for orchestration probes; operations need the Worker's token when one is set,
    // and a protocol version this transcoder can read.
    if (pathname !== HEALTH_PATH) {
      if (config.token && !bearerMatches(req.headers.authorization, config.token)) {
        res.setHeader("WWW-Authenticate", "Bearer");
        return sendJson(res, 401, { error: { code: "input.invalid", message: "missing or wrong bearer token", retryable: false } });
      }
      const mismatch = protocolMismatch(req.headers[PROTOCOL_VERSION_HEADER.toLowerCase()]?.toString());
      if (mismatch) return sendJson(res, 409, { error: mismatch });
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
