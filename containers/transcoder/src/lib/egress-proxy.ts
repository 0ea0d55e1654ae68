/**
 * A per-operation forward proxy on loopback through which yt-dlp and ffprobe reach the network.
 *
 * Those tools follow redirects and fetch manifests, segments and media on their own; checking only the
 * first URL would leave every later hop unchecked. Behind this proxy every connection they open, on
 * every hop, is judged by the network guard first (plain HTTP by its absolute URL, HTTPS by its
 * CONNECT target) and then made to the very addresses that were checked. One proxy per operation
 * lets a refusal be attributed to that operation, and closing it cuts whatever is still in flight.
 */
import http from "node:http";
import net from "node:net";
import type { TranscoderError } from "../../../../protocol/transcoder.ts";
import { checkHost, checkUrl, type GuardPolicy, pinnedLookup, unreachableError } from "./net-guard.ts";

export type EgressProxy = {
  /** `http://127.0.0.1:<port>`, for yt-dlp `--proxy` and ffmpeg `-http_proxy`. */
  url: string;
  /** The first refusal, if any connection was refused: the operation then fails as `source.blocked`. */
  refusal(): TranscoderError | undefined;
  /**
   * The first target that could not be reached (`source.unreachable`, naming the host). yt-dlp and
   * ffprobe only see the proxy's 502, so this is what lets the operation say which host failed.
   */
  unreachable(): TranscoderError | undefined;
  close(): Promise<void>;
};

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const forwardHeaders = (headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders => {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
};

/** Splits a CONNECT authority (`host:port`, `[v6]:port`) into an origin-checkable form. */
const parseAuthority = (authority: string): URL | undefined => {
  try {
    const url = new URL(`https://${authority}`);
    return url.pathname === "/" && !url.username && !url.password ? url : undefined;
  } catch {
    return undefined;
  }
};

export const startEgressProxy = async (policy: GuardPolicy): Promise<EgressProxy> => {
  let firstRefusal: TranscoderError | undefined;
  let firstUnreachable: TranscoderError | undefined;
  const sockets = new Set<net.Socket>();
  const record = (error: TranscoderError) => {
    if (error.code === "source.blocked") firstRefusal ??= error;
    if (error.code === "source.unreachable") firstUnreachable ??= error;
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const target = req.url ?? "";
      if (!/^https?:\/\//i.test(target)) {
        res.writeHead(400).end("absolute-form request target required");
        return;
      }
      const verdict = await checkUrl(target, policy);
      if (!verdict.ok) {
        record(verdict.error);
        res.writeHead(verdict.error.code === "source.blocked" ? 403 : 502, { "X-Egress-Refused": verdict.error.code });
        res.end(verdict.error.message);
        return;
      }
      const upstream = http.request(verdict.url, {
        method: req.method,
        headers: forwardHeaders(req.headers),
        // A fresh socket per request: pooled ones would outlive this operation's proxy.
        agent: false,
        ...(verdict.allowedOrigin ? {} : { lookup: pinnedLookup(verdict.addresses) }),
      });
      upstream.on("response", (up) => {
        res.writeHead(up.statusCode ?? 502, forwardHeaders(up.headers));
        up.pipe(res);
      });
      let clientGone = false;
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        if (!res.headersSent) {
          // Destroying the request because the client left also lands here: that is no failure to reach.
          if (!clientGone) record(unreachableError(verdict.url.host, err.code ?? err.message));
          res.writeHead(502).end();
        } else res.destroy();
      });
      res.on("close", () => {
        clientGone = true;
        upstream.destroy();
      });
      req.pipe(upstream);
    })();
  });

  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    void (async () => {
      const target = parseAuthority(req.url ?? "");
      if (!target) {
        client.end("HTTP/1.1 400 Bad Request\r\n\r\n");
        return;
      }
      const verdict = await checkHost(target.hostname, target.origin, policy);
      if (!verdict.ok) {
        record(verdict.error);
        client.end(`HTTP/1.1 ${verdict.error.code === "source.blocked" ? "403 Forbidden" : "502 Bad Gateway"}\r\n\r\n`);
        return;
      }
      const port = Number(target.port || 443);
      const upstream = verdict.allowedOrigin
        ? net.connect({ host: target.hostname.replace(/^\[(.*)\]$/, "$1"), port })
        : net.connect({ host: target.hostname, port, lookup: pinnedLookup(verdict.addresses) });
      sockets.add(upstream);
      upstream.on("close", () => {
        sockets.delete(upstream);
        client.destroy();
      });
      let connected = false;
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        if (client.destroyed) return;
        if (!connected) record(unreachableError(target.host, err.code ?? err.message));
        client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      });
      upstream.on("connect", () => {
        connected = true;
        client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      client.on("close", () => upstream.destroy());
    })();
  });
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    refusal: () => firstRefusal,
    unreachable: () => firstUnreachable,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
