/**
 * A local stand-in for Twilio's Messages API (https://www.twilio.com/docs/messaging/api/message-resource),
 * speaking its protocol on 127.0.0.1 (port 0 by default). Tests talk to it over HTTP.
 *
 * Each test makes its own account (`POST /__fake/accounts`): its own Account SID, auth token, senders,
 * messages, faults and request log. The API base URL is the fake's origin (the SID selects the account).
 *
 *   POST /2010-04-01/Accounts/<sid>/Messages.json   HTTP basic auth (SID:token, else 401 code 20003); form
 *       fields To, From, Body (≤ 1600), MediaUrl (repeated, ≤ 10), StatusCallback; Twilio's 400 codes for a
 *       missing or invalid To/From (21604, 21603, 21211), no body or media (21619), a too long body (21617),
 *       an unknown sender (21606, WhatsApp 63007), a WhatsApp/SMS mix (21910); 201 with the message
 *       resource. Loopback media URLs are downloaded (size, sha256) before answering, as Twilio does after.
 *   GET  /2010-04-01/Accounts/<sid>/Messages/<MessageSid>.json   the message resource
 *   POST /__fake/accounts                   a new account: {accountSid, authToken, apiBaseUrl, whatsappFrom,
 *                                           smsFrom, filesUrl}
 *   GET  /__fake/accounts/<sid>             what it received: messages, request log
 *   POST /__fake/accounts/<sid>/faults      queue a fault (FakeTwilioFault) for the next Messages.json call(s)
 *   POST /__fake/accounts/<sid>/signature   {url, params}: the X-Twilio-Signature Twilio would send with a
 *                                           webhook to `url` (node:crypto, independent of the Worker's code)
 *   PUT/GET /__fake/files/<name>            bytes to send as media (see file-host.ts)
 *
 * Run standalone with `node test/fakes/twilio.ts [--port 9202]`.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback-server.ts";
import { parseArgs } from "node:util";
import { createFileHost, download, type DownloadedMedia } from "./file-host.ts";

const BODY_LIMIT = 1600;
const MEDIA_LIMIT = 10;
/** WhatsApp's cap on a media file Twilio sends. */
const MEDIA_SIZE_LIMIT = 16 * 1024 * 1024;
const E164 = /^\+[1-9]\d{6,14}$/;

export interface FakeTwilioAccountInfo {
  accountSid: string;
  authToken: string;
  /** TWILIO_API_BASE_URL for this account (the fake's origin). */
  apiBaseUrl: string;
  /** The account's WhatsApp sender (TWILIO_WHATSAPP_FROM), and an SMS number. */
  whatsappFrom: string;
  smsFrom: string;
  filesUrl: string;
}

/** A failure the next Messages.json call(s) get instead of their answer. */
export interface FakeTwilioFault {
  status: number;
  /** Twilio's error code; default 20429 for 429, 20500 for 5xx, else 21211. */
  code?: number;
  message?: string;
  /** Sent as a Retry-After header. */
  retryAfter?: number;
  /** Answer a non-JSON body (a proxy's error page). */
  html?: boolean;
  /** Close the connection without an answer. */
  drop?: boolean;
  times?: number;
}

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  mediaUrls: string[];
  statusCallback?: string;
  /** `queued` as answered; `failed` (error 63019) when a media URL could not be downloaded. */
  status: "queued" | "failed";
  errorCode: number | null;
  media: DownloadedMedia[];
}

export interface FakeTwilioRequest {
  method: string;
  path: string;
  status: number;
  authorized: boolean;
  contentType?: string;
}

export interface FakeTwilioState {
  messages: FakeTwilioMessage[];
  requests: FakeTwilioRequest[];
}

interface Account {
  info: FakeTwilioAccountInfo;
  messages: FakeTwilioMessage[];
  faults: (FakeTwilioFault & { left: number })[];
  requests: FakeTwilioRequest[];
}

export interface FakeTwilio {
  origin: string;
  port: number;
  createAccount(): FakeTwilioAccountInfo;
  state(accountSid: string): FakeTwilioState | undefined;
  addFault(accountSid: string, fault: FakeTwilioFault): void;
  close(): Promise<void>;
}

class TwilioApiError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(status: number, code: number, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length, ...headers });
  res.end(body);
}

/** Twilio's REST error body. */
function sendTwilioError(res: ServerResponse, e: TwilioApiError, headers: Record<string, string> = {}) {
  sendJson(res, e.status, { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status: e.status }, headers);
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new TwilioApiError(413, 20001, "Request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Twilio's webhook signature, written from its documentation with node:crypto. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  const pairs = Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((value) => [k, value] as const));
  pairs.sort(([ka, va], [kb, vb]) => (ka === kb ? (va < vb ? -1 : va > vb ? 1 : 0) : ka < kb ? -1 : 1));
  return createHmac("sha1", authToken).update(url + pairs.map(([k, v]) => k + v).join("")).digest("base64");
}

const rfc2822 = (d: Date) => d.toUTCString().replace("GMT", "+0000");

export async function startFakeTwilio(opts: { port?: number } = {}): Promise<FakeTwilio> {
  const accounts = new Map<string, Account>();
  const files = createFileHost();
  let origin = "";

  function createAccount(): FakeTwilioAccountInfo {
    const accountSid = `AC${randomBytes(16).toString("hex")}`;
    const digits = () => String(2_000_000 + Math.floor(Math.random() * 7_000_000));
    const info: FakeTwilioAccountInfo = {
      accountSid,
      authToken: randomBytes(16).toString("hex"),
      apiBaseUrl: origin,
      whatsappFrom: `whatsapp:+1415${digits()}`,
      smsFrom: `+1628${digits()}`,
      filesUrl: `${origin}/__fake/files`,
    };
    accounts.set(accountSid, { info, messages: [], faults: [], requests: [] });
    return info;
  }

  const state = (sid: string): FakeTwilioState | undefined => {
    const a = accounts.get(sid);
    return a && { messages: a.messages, requests: a.requests };
  };

  function addFault(sid: string, fault: FakeTwilioFault) {
    const a = accounts.get(sid);
    if (!a) throw new Error(`no fake Twilio account ${sid}`);
    a.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  function takeFault(a: Account) {
    const fault = a.faults[0];
    if (fault && --fault.left <= 0) a.faults.shift();
    return fault;
  }

  /** Basic auth with this account's SID and token. */
  function authorizedAs(req: IncomingMessage): Account | undefined {
    const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.headers.authorization ?? "");
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const a = accounts.get(decoded.slice(0, colon));
    return a && a.info.authToken === decoded.slice(colon + 1) ? a : undefined;
  }

  function resource(a: Account, m: FakeTwilioMessage, created: Date) {
    const uri = `/2010-04-01/Accounts/${a.info.accountSid}/Messages/${m.sid}.json`;
    return {
      account_sid: a.info.accountSid,
      api_version: "2010-04-01",
      body: m.body,
      date_created: rfc2822(created),
      date_sent: null,
      date_updated: rfc2822(created),
      direction: "outbound-api",
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: null,
      num_media: String(m.mediaUrls.length),
      num_segments: "1",
      price: null,
      price_unit: "USD",
      sid: m.sid,
      status: "queued",
      subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
      to: m.to,
      uri,
    };
  }

  async function createMessage(a: Account, req: IncomingMessage, res: ServerResponse) {
    if (!(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    }
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    const mediaUrls = form.getAll("MediaUrl");
    if (to === "") throw new TwilioApiError(400, 21604, "A 'To' phone number is required.");
    if (from === "") throw new TwilioApiError(400, 21603, "A 'From' phone number is required.");
    const toWhatsapp = to.startsWith("whatsapp:");
    const fromWhatsapp = from.startsWith("whatsapp:");
    if (!E164.test(to.replace(/^whatsapp:/, ""))) throw new TwilioApiError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (toWhatsapp !== fromWhatsapp) throw new TwilioApiError(400, 21910, "Invalid From and To pair. From and To should be of the same channel");
    if (fromWhatsapp && from !== a.info.whatsappFrom) throw new TwilioApiError(400, 63007, "Twilio could not find a Channel with the specified From address");
    if (!fromWhatsapp && from !== a.info.smsFrom) throw new TwilioApiError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    if (body === "" && mediaUrls.length === 0) throw new TwilioApiError(400, 21619, "A text message body or media urls must be specified.");
    if (body.length > BODY_LIMIT) throw new TwilioApiError(400, 21617, `The concatenated message body exceeds the ${BODY_LIMIT} character limit.`);
    if (mediaUrls.length > MEDIA_LIMIT) throw new TwilioApiError(400, 21623, `The number of media files exceeds the ${MEDIA_LIMIT} file limit.`);
    for (const u of mediaUrls) if (!/^https?:\/\/[^/]+/i.test(u)) throw new TwilioApiError(400, 21620, `Invalid media URL(s): ${u}`);
    const media: DownloadedMedia[] = [];
    for (const u of mediaUrls) media.push(await download(u, MEDIA_SIZE_LIMIT));
    const failed = media.some((m) => m.error !== undefined);
    const message: FakeTwilioMessage = {
      sid: `${mediaUrls.length ? "MM" : "SM"}${randomBytes(16).toString("hex")}`,
      to,
      from,
      body,
      mediaUrls,
      ...(form.get("StatusCallback") ? { statusCallback: form.get("StatusCallback")! } : {}),
      status: failed ? "failed" : "queued",
      errorCode: failed ? 63019 : null,
      media,
    };
    a.messages.push(message);
    sendJson(res, 201, resource(a, message, new Date()));
  }

  async function handleApi(sid: string, rest: string, req: IncomingMessage, res: ServerResponse) {
    const caller = authorizedAs(req);
    const a = accounts.get(sid);
    const log: FakeTwilioRequest = { method: req.method ?? "GET", path: rest, status: 0, authorized: caller !== undefined, ...(req.headers["content-type"] ? { contentType: req.headers["content-type"] } : {}) };
    a?.requests.push(log);
    res.on("finish", () => {
      log.status = res.statusCode;
    });
    if (!caller) {
      await readBody(req, Infinity).catch(() => undefined);
      return sendTwilioError(res, new TwilioApiError(401, 20003, "Authenticate"), { "WWW-Authenticate": 'Basic realm="Twilio API"' });
    }
    if (caller !== a) throw new TwilioApiError(404, 20404, `The requested resource /2010-04-01/Accounts/${sid}${rest} was not found`);
    if (req.method === "POST" && rest === "/Messages.json") {
      const fault = takeFault(a);
      if (fault) {
        await readBody(req).catch(() => undefined);
        if (fault.drop) return void res.socket?.destroy();
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {};
        if (fault.html) {
          const page = Buffer.from(`<html><body><h1>${fault.status}</h1></body></html>`);
          res.writeHead(fault.status, { "Content-Type": "text/html", "Content-Length": page.length, ...headers });
          return void res.end(page);
        }
        const code = fault.code ?? (fault.status === 429 ? 20429 : fault.status >= 500 ? 20500 : 21211);
        const message = fault.message ?? (fault.status === 429 ? "Too Many Requests" : fault.status >= 500 ? "Internal Server Error" : "Injected failure");
        return sendTwilioError(res, new TwilioApiError(fault.status, code, message), headers);
      }
      return createMessage(a, req, res);
    }
    const one = /^\/Messages\/((?:SM|MM)[0-9a-f]{32})\.json$/.exec(rest);
    if (req.method === "GET" && one) {
      const m = a.messages.find((x) => x.sid === one[1]);
      if (!m) throw new TwilioApiError(404, 20404, `The requested resource /2010-04-01/Accounts/${sid}${rest} was not found`);
      return sendJson(res, 200, { ...resource(a, m, new Date()), status: m.status, error_code: m.errorCode });
    }
    throw new TwilioApiError(404, 20404, `The requested resource /2010-04-01/Accounts/${sid}${rest} was not found`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const api = /^\/2010-04-01\/Accounts\/([^/]+)(\/.*)$/.exec(url.pathname);
    if (api) return handleApi(api[1]!, api[2]!, req, res);
    if (await files.handle(req, res, url)) return;
    if (req.method === "POST" && url.pathname === "/__fake/accounts") return sendJson(res, 201, createAccount());
    const control = /^\/__fake\/accounts\/(AC[0-9a-f]{32})(\/faults|\/signature)?$/.exec(url.pathname);
    const a = control ? accounts.get(control[1]!) : undefined;
    if (control && !a) return sendJson(res, 404, { error: "no such account" });
    if (a && !control![2] && req.method === "GET") return sendJson(res, 200, state(a.info.accountSid));
    if (a && control![2] === "/faults" && req.method === "POST") {
      addFault(a.info.accountSid, JSON.parse((await readBody(req)).toString("utf8")) as FakeTwilioFault);
      return void res.writeHead(204).end();
    }
    if (a && control![2] === "/signature" && req.method === "POST") {
      const { url: target, params } = JSON.parse((await readBody(req)).toString("utf8")) as { url: string; params: Record<string, string | string[]> };
      return sendJson(res, 200, { signature: twilioSignature(a.info.authToken, target, params ?? {}) });
    }
    sendJson(res, 404, { error: "not found" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (e instanceof TwilioApiError) return sendTwilioError(res, e);
      sendTwilioError(res, new TwilioApiError(500, 20500, e instanceof Error ? e.message : String(e)));
    });
  });
  const listening = await listenOnLoopback(server, opts.port);
  origin = listening.origin;
  return {
    ...listening,
    createAccount,
    state,
    addFault,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "9202" } } });
  const fake = await startFakeTwilio({ port: Number(values.port) });
  const account = fake.createAccount();
  console.log(`fake Twilio on ${fake.origin}`);
  console.log(JSON.stringify({ TWILIO_API_BASE_URL: account.apiBaseUrl, TWILIO_ACCOUNT_SID: account.accountSid, TWILIO_AUTH_TOKEN: account.authToken, TWILIO_WHATSAPP_FROM: account.whatsappFrom }, null, 2));
}
