/**
 * The transcoder's own HTTP client for pages and images. Redirects are followed by hand so the network
 * guard judges every hop, and each socket connects only to the addresses the guard checked.
 */
import { createWriteStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { type GuardPolicy, checkUrl, pinnedLookup, unreachableError } from "./net-guard.ts";
import { type Failure, type Result, fail, ok } from "./result.ts";

export type FetchContext = {
  policy: GuardPolicy;
  signal: AbortSignal;
  /** Idle time allowed on a socket before the request fails as `timeout`. */
  socketTimeoutMs: number;
};

export type FetchedResponse = { url: URL; response: http.IncomingMessage };

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A mainstream browser's User-Agent: the services serve their page data only to browsers. */
export const BROWSER_USER_AGENT =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** Maps an HTTP status of the source to the error the caller reports. */
export const statusFailure = (status: number, what: string): Failure => {
  if (status === 404 || status === 410) return fail("source.unavailable", `${what}: HTTP ${status}`, false);
  if (status === 401 || status === 403) return fail("source.private", `${what}: HTTP ${status} (login required or forbidden)`, false);
  if (status === 429 || status >= 500) return fail("source.unavailable", `${what}: HTTP ${status}`, true);
  return fail("source.unavailable", `${what}: HTTP ${status}`, false);
};

const requestOnce = (url: URL, addresses: Parameters<typeof pinnedLookup>[0] | undefined, ctx: FetchContext) =>
  new Promise<Result<http.IncomingMessage>>((resolve) => {
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(url, {
      method: "GET",
      headers: { "User-Agent": BROWSER_USER_AGENT, Accept: "*/*", "Accept-Encoding": "identity" },
      signal: ctx.signal,
      // No pooling: every connection is made for this hop, to the addresses checked for it.
      agent: false,
      ...(addresses ? { lookup: pinnedLookup(addresses) } : {}),
    });
    // Until a response arrives, every failure means the host was not reached: a refused connection, a
    // reset before any answer, or silence (the first settlement wins; the destroy's own error is moot).
    req.setTimeout(ctx.socketTimeoutMs, () => {
      resolve({ ok: false, error: unreachableError(url.host, `no answer within ${ctx.socketTimeoutMs} ms`) });
      req.destroy();
    });
    req.on("response", (res) => resolve(ok(res)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (ctx.signal.aborted) resolve(fail("internal", "aborted", false));
      else resolve({ ok: false, error: unreachableError(url.host, err.code ?? err.message) });
    });
    req.end();
  });

/**
 * GETs a URL, following up to five redirects with the guard re-run on each. Returns the final
 * response unread (any status): the caller decides what a 404 means.
 */
export const guardedGet = async (raw: string, ctx: FetchContext): Promise<Result<FetchedResponse>> => {
  let current = raw;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const verdict = await checkUrl(current, ctx.policy);
    if (!verdict.ok) return verdict;
    const sent = await requestOnce(verdict.url, verdict.allowedOrigin ? undefined : verdict.addresses, ctx);
    if (!sent.ok) return sent;
    const res = sent.value;
    const location = res.headers.location;
    if (REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.resume();
      current = new URL(location, verdict.url).toString();
      continue;
    }
    return ok({ url: verdict.url, response: res });
  }
  return fail("source.unavailable", `more than ${MAX_REDIRECTS} redirects from ${raw}`, false);
};

/** Reads a text body (pages), refusing bodies larger than `maxBytes`. */
export const readText = async (res: http.IncomingMessage, maxBytes: number): Promise<Result<string>> => {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        res.destroy();
        return fail("source.too_large", `page larger than ${maxBytes} bytes`, false);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    return fail("source.unavailable", `page read failed: ${(err as Error).message}`, true);
  }
  return ok(Buffer.concat(chunks).toString("utf8"));
};

/** GETs a page and returns its text when the status is 2xx. */
export const fetchPage = async (url: string, ctx: FetchContext, maxBytes = 8 * 1024 * 1024): Promise<Result<{ url: URL; html: string }>> => {
  const got = await guardedGet(url, ctx);
  if (!got.ok) return got;
  const { response } = got.value;
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) {
    response.resume();
    return statusFailure(status, "page");
  }
  const text = await readText(response, maxBytes);
  if (!text.ok) return text;
  return ok({ url: got.value.url, html: text.value });
};

export type Downloaded = { bytes: number; contentType: string | undefined };

/**
 * Streams a URL to a file. Stops as soon as the body passes `maxBytes` (the declared length is checked
 * first, so an honest server is refused without a transfer).
 */
export const downloadToFile = async (
  url: string,
  file: string,
  ctx: FetchContext & { maxBytes: number; onBytes?: (received: number, total: number | undefined) => void },
): Promise<Result<Downloaded>> => {
  const got = await guardedGet(url, ctx);
  if (!got.ok) return got;
  const res = got.value.response;
  const status = res.statusCode ?? 0;
  if (status < 200 || status > 299) {
    res.resume();
    return statusFailure(status, "media");
  }
  const declared = Number(res.headers["content-length"]);
  const total = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
  if (total !== undefined && total > ctx.maxBytes) {
    res.destroy();
    return fail("source.too_large", `media is ${total} bytes, over the ${ctx.maxBytes} byte limit`, false);
  }
  let received = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > ctx.maxBytes) {
        tooLarge = true;
        done(new Error("too large"));
        return;
      }
      ctx.onBytes?.(received, total);
      done(null, chunk);
    },
  });
  try {
    await pipeline(res, counter, createWriteStream(file), { signal: ctx.signal });
  } catch (err) {
    if (tooLarge) return fail("source.too_large", `media is over the ${ctx.maxBytes} byte limit`, false);
    if (ctx.signal.aborted) return fail("internal", "aborted", false);
    return fail("source.unavailable", `media download failed: ${(err as Error).message}`, true);
  }
  return ok({ bytes: received, contentType: res.headers["content-type"] });
};
