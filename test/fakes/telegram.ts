/**
 * A local stand-in for the Telegram Bot API (https://core.telegram.org/bots/api), speaking its protocol on
 * 127.0.0.1 (port 0 by default): `/bot<token>/<method>`, parameters from the query string, JSON,
 * urlencoded or multipart/form-data bodies, `{ok, result}` / `{ok: false, error_code, description,
 * parameters}` answers, method names case-insensitive. Tests talk to it over HTTP.
 *
 * Each test makes its own bot (`POST /__fake/bots`): its own token, chats, sent messages, faults and request
 * log. The API base URL is the fake's origin (the token selects the bot).
 *
 *   getMe                         the bot
 *   sendMessage                   chat_id, text (1–4096), parse_mode, reply_parameters
 *   sendVideo                     chat_id, video (an uploaded part, attach://<part>, an http URL the fake
 *                                 downloads itself, loopback only, ≤ 20 MB, or a file_id it gave out),
 *                                 caption (≤ 1024), supports_streaming, reply_parameters; uploads ≤ 50 MB
 *   setWebhook / getWebhookInfo / deleteWebhook   url, secret_token (Telegram's character rule), allowed_updates
 *   POST /__fake/bots                      a new bot: {id, token, username, apiBaseUrl, filesUrl}
 *   GET  /__fake/bots/<id>                 what it received: sent messages (chat, text, caption, video bytes'
 *                                          size and sha256), webhook, request log
 *   POST /__fake/bots/<id>/faults          queue a fault (FakeTelegramFault) for the next matching call(s)
 *   POST /__fake/bots/<id>/updates         {chat_id, text}: an Update as Telegram would deliver it (its
 *                                          message then exists, so replies to it are valid)
 *   PUT/GET /__fake/files/<name>           bytes to send by URL (see file-host.ts)
 *
 * Run standalone with `node test/fakes/telegram.ts [--port 9201]`.
 */
import { Busboy } from "@fastify/busboy";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback-server.ts";
import { parseArgs } from "node:util";
import { createFileHost, download } from "./file-host.ts";

const MB = 1024 * 1024;
/** The Bot API's caps: multipart uploads, files fetched from a URL, text and caption characters. */
export const UPLOAD_LIMIT = 50 * MB;
export const URL_DOWNLOAD_LIMIT = 20 * MB;
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

export interface FakeBotInfo {
  id: number;
  token: string;
  username: string;
  /** TELEGRAM_API_BASE_URL for this bot (the fake's origin). */
  apiBaseUrl: string;
  /** `PUT <filesUrl>/<name>` stores bytes served at the same URL. */
  filesUrl: string;
}

/** A failure the next matching call(s) get instead of their answer (after the body has been read). */
export interface FakeTelegramFault {
  /** Method name (any case); default every method. */
  method?: string;
  /** error_code and HTTP status. */
  status: number;
  /** Default by status: 429 "Too Many Requests: retry after N", 403 "Forbidden: bot was blocked by the user", ... */
  description?: string;
  /** 429: `parameters.retry_after` (default 3). */
  retryAfter?: number;
  /** Answer a proxy's HTML error page (naming the request's path) instead of the API's JSON. */
  html?: boolean;
  /** Close the connection without an answer. */
  drop?: boolean;
  times?: number;
}

export interface FakeVideo {
  source: "upload" | "url" | "file_id";
  fileId: string;
  filename?: string;
  contentType?: string;
  size: number;
  sha256: string;
  url?: string;
}

export interface FakeSentMessage {
  method: "sendMessage" | "sendVideo";
  messageId: number;
  chatId: number | string;
  text?: string;
  caption?: string;
  parseMode?: string;
  replyToMessageId?: number;
  supportsStreaming?: boolean;
  video?: FakeVideo;
}

export interface FakeTelegramRequest {
  /** The method as called (case kept); "" for a request without one. */
  method: string;
  httpMethod: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  contentType?: string;
  contentLength?: number;
  chunked: boolean;
}

export interface FakeTelegramState {
  bot: { id: number; username: string };
  sent: FakeSentMessage[];
  webhook: { url: string; secretToken?: string; allowedUpdates?: string[]; dropPendingUpdates?: boolean } | null;
  requests: FakeTelegramRequest[];
}

interface Bot {
  info: FakeBotInfo;
  sent: FakeSentMessage[];
  /** chat id (as a string) → message ids that exist there, and the next id. */
  chats: Map<string, { ids: Set<number>; next: number }>;
  videos: Map<string, FakeVideo>;
  webhook: FakeTelegramState["webhook"];
  nextUpdateId: number;
  faults: (FakeTelegramFault & { left: number })[];
  requests: FakeTelegramRequest[];
}

export interface FakeTelegram {
  origin: string;
  port: number;
  createBot(): FakeBotInfo;
  state(botId: number): FakeTelegramState | undefined;
  addFault(botId: number, fault: FakeTelegramFault): void;
  close(): Promise<void>;
}

/** A Bot API error: its message travels as `description`, its status as `error_code` and HTTP status. */
class ApiError extends Error {
  readonly status: number;
  readonly parameters: Record<string, number> | undefined;
  constructor(status: number, description: string, parameters?: Record<string, number>) {
    super(description);
    this.status = status;
    this.parameters = parameters;
  }
}
const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

interface UploadedPart {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

interface CallInput {
  params: Record<string, unknown>;
  files: Map<string, UploadedPart>;
  tooLarge: boolean;
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": body.length });
  res.end(body);
}

function sendApiError(res: ServerResponse, error: ApiError) {
  sendJson(res, error.status, { ok: false, error_code: error.status, description: error.message, ...(error.parameters ? { parameters: error.parameters } : {}) });
}

async function readBody(req: IncomingMessage, limit = 4 * MB): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new ApiError(413, "Request Entity Too Large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A multipart body: fields as strings, file parts hashed as they stream (never kept). */
function readMultipart(req: IncomingMessage): Promise<CallInput> {
  return new Promise((resolve, reject) => {
    const input: CallInput = { params: {}, files: new Map(), tooLarge: false };
    const pending: Promise<void>[] = [];
    let bb;
    try {
      bb = Busboy({ headers: req.headers as { "content-type": string }, limits: { fieldSize: 4 * MB } });
    } catch (e) {
      reject(badRequest(`can't parse multipart body: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    bb.on("field", (name, value) => {
      input.params[name] = value;
    });
    bb.on("file", (field, stream, filename, _encoding, mimeType) => {
      pending.push(
        (async () => {
          const hash = createHash("sha256");
          let size = 0;
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            size += chunk.length;
            if (size > UPLOAD_LIMIT) input.tooLarge = true;
            else hash.update(chunk);
          }
          input.files.set(field, { field, filename, contentType: mimeType, size, sha256: hash.digest("hex") });
        })(),
      );
    });
    bb.on("finish", () => {
      Promise.all(pending).then(() => resolve(input), reject);
    });
    bb.on("error", (e: unknown) => reject(badRequest(`can't parse multipart body: ${e instanceof Error ? e.message : String(e)}`)));
    req.on("aborted", () => reject(new Error("client went away")));
    req.pipe(bb);
  });
}

async function readCall(req: IncomingMessage, url: URL): Promise<CallInput> {
  const contentType = (req.headers["content-type"] ?? "").toLowerCase();
  let input: CallInput = { params: {}, files: new Map(), tooLarge: false };
  if (contentType.startsWith("multipart/form-data")) input = await readMultipart(req);
  else if (contentType.startsWith("application/json")) {
    const text = (await readBody(req)).toString("utf8");
    let value: unknown;
    try {
      value = text === "" ? {} : JSON.parse(text);
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw badRequest("can't parse JSON object");
    input.params = value as Record<string, unknown>;
  } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams((await readBody(req)).toString("utf8"))) input.params[k] = v;
  } else {
    // Telegram ignores a body it cannot read; parameters may still come in the query string.
    await readBody(req).catch(() => undefined);
  }
  for (const [k, v] of url.searchParams) input.params[k] ??= v;
  return input;
}

const defaultDescription = (status: number, retryAfter: number) =>
  status === 429 ? `Too Many Requests: retry after ${retryAfter}`
  : status === 403 ? "Forbidden: bot was blocked by the user"
  : status === 401 ? "Unauthorized"
  : status === 400 ? "Bad Request: chat not found"
  : status === 409 ? "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
  : status >= 500 ? "Internal Server Error"
  : "Error";

export async function startFakeTelegram(opts: { port?: number } = {}): Promise<FakeTelegram> {
  const bots = new Map<number, Bot>();
  const byToken = new Map<string, Bot>();
  const files = createFileHost();
  let origin = "";
  let nextBotId = 7_000_000_000 + Math.floor(Math.random() * 1_000_000);

  function createBot(): FakeBotInfo {
    const id = nextBotId++;
    // BotFather's format: <bot id>:<35 characters>.
    const token = `${id}:AA${randomBytes(33).toString("base64url").slice(0, 33)}`;
    const info: FakeBotInfo = { id, token, username: `fake_${id}_bot`, apiBaseUrl: origin, filesUrl: `${origin}/__fake/files` };
    const bot: Bot = { info, sent: [], chats: new Map(), videos: new Map(), webhook: null, nextUpdateId: 100_000_000 + Math.floor(Math.random() * 1e6), faults: [], requests: [] };
    bots.set(id, bot);
    byToken.set(token, bot);
    return info;
  }

  function state(id: number): FakeTelegramState | undefined {
    const b = bots.get(id);
    if (!b) return undefined;
    return { bot: { id: b.info.id, username: b.info.username }, sent: b.sent, webhook: b.webhook, requests: b.requests };
  }

  function addFault(id: number, fault: FakeTelegramFault) {
    const b = bots.get(id);
    if (!b) throw new Error(`no fake bot ${id}`);
    b.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  function takeFault(b: Bot, method: string) {
    const i = b.faults.findIndex((f) => f.method === undefined || f.method.toLowerCase() === method.toLowerCase());
    if (i < 0) return undefined;
    const fault = b.faults[i]!;
    if (--fault.left <= 0) b.faults.splice(i, 1);
    return fault;
  }

  const chatOf = (b: Bot, chatId: number | string) => {
    let chat = b.chats.get(String(chatId));
    if (!chat) b.chats.set(String(chatId), (chat = { ids: new Set(), next: 1 }));
    return chat;
  };

  function chatIdParam(value: unknown): number | string {
    if (value === undefined || value === "") throw badRequest("chat_id is empty");
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && /^-?\d{1,16}$/.test(value)) return Number(value);
    if (typeof value === "string" && /^@[A-Za-z0-9_]{4,32}$/.test(value)) return value;
    throw badRequest("chat not found");
  }

  function stringParam(params: Record<string, unknown>, name: string): string | undefined {
    const v = params[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    throw badRequest(`field "${name}" must be of type String`);
  }

  function jsonParam(params: Record<string, unknown>, name: string, what: string): unknown {
    const v = params[name];
    if (typeof v !== "string") return v;
    try {
      return JSON.parse(v);
    } catch {
      throw badRequest(`can't parse ${what} JSON object`);
    }
  }

  const boolParam = (params: Record<string, unknown>, name: string) => {
    const v = params[name];
    return v === true || v === "true" || v === "True" || v === "1" || v === 1;
  };

  function replyTo(b: Bot, chatId: number | string, params: Record<string, unknown>): number | undefined {
    const rp = jsonParam(params, "reply_parameters", "reply parameters") as { message_id?: unknown; allow_sending_without_reply?: unknown } | undefined;
    const legacy = params.reply_to_message_id;
    const id = rp?.message_id ?? legacy;
    if (id === undefined) return undefined;
    const messageId = Number(id);
    const allowWithout = rp?.allow_sending_without_reply === true || boolParam(params, "allow_sending_without_reply");
    if (!chatOf(b, chatId).ids.has(messageId) && !allowWithout) throw badRequest("message to be replied not found");
    return messageId;
  }

  function parseMode(params: Record<string, unknown>): string | undefined {
    const mode = stringParam(params, "parse_mode");
    if (mode !== undefined && mode !== "" && !["HTML", "Markdown", "MarkdownV2"].includes(mode)) throw badRequest(`unsupported parse_mode "${mode}"`);
    return mode || undefined;
  }

  function botUser(b: Bot) {
    return { id: b.info.id, is_bot: true, first_name: "Fake Bot", username: b.info.username };
  }

  function record(b: Bot, message: Omit<FakeSentMessage, "messageId">) {
    const chat = chatOf(b, message.chatId);
    const messageId = chat.next++;
    chat.ids.add(messageId);
    const sent = { ...message, messageId };
    b.sent.push(sent);
    const chatField = typeof message.chatId === "number" ? { id: message.chatId, type: message.chatId > 0 ? "private" : "group" } : { id: -1001000000000, type: "channel", username: message.chatId.slice(1) };
    return {
      message_id: messageId,
      from: botUser(b),
      chat: chatField,
      date: Math.floor(Date.now() / 1000),
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.caption !== undefined ? { caption: message.caption } : {}),
      ...(message.replyToMessageId !== undefined ? { reply_to_message: { message_id: message.replyToMessageId, chat: chatField, date: 0 } } : {}),
      ...(message.video
        ? {
            video: {
              duration: 0,
              width: 0,
              height: 0,
              file_id: message.video.fileId,
              file_unique_id: message.video.fileId.slice(0, 16),
              file_size: message.video.size,
              ...(message.video.filename ? { file_name: message.video.filename } : {}),
              ...(message.video.contentType ? { mime_type: message.video.contentType } : {}),
            },
          }
        : {}),
    };
  }

  function sendMessage(b: Bot, input: CallInput) {
    const { params } = input;
    const chatId = chatIdParam(params.chat_id);
    const text = stringParam(params, "text");
    if (text === undefined || text.trim() === "") throw badRequest("message text is empty");
    if (text.length > TEXT_LIMIT) throw badRequest("message is too long");
    const mode = parseMode(params);
    const reply = replyTo(b, chatId, params);
    return record(b, { method: "sendMessage", chatId, text, ...(mode ? { parseMode: mode } : {}), ...(reply !== undefined ? { replyToMessageId: reply } : {}) });
  }

  async function sendVideo(b: Bot, input: CallInput) {
    const { params } = input;
    if (input.tooLarge) throw new ApiError(413, "Request Entity Too Large");
    const chatId = chatIdParam(params.chat_id);
    const caption = stringParam(params, "caption");
    if (caption !== undefined && caption.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
    const mode = parseMode(params);
    const reply = replyTo(b, chatId, params);
    let video: FakeVideo;
    const uploaded = input.files.get("video");
    const ref = uploaded ? undefined : stringParam(params, "video");
    const part = uploaded ?? (ref?.startsWith("attach://") ? input.files.get(ref.slice("attach://".length)) : undefined);
    const fileId = () => `BAACAgIAAxkBAAI${randomBytes(24).toString("base64url")}`;
    if (part) {
      video = { source: "upload", fileId: fileId(), filename: part.filename, contentType: part.contentType, size: part.size, sha256: part.sha256 };
    } else if (ref === undefined || ref === "") {
      throw badRequest("there is no video in the request");
    } else if (/^https?:\/\//i.test(ref)) {
      const got = await download(ref, URL_DOWNLOAD_LIMIT);
      if (got.error !== undefined) throw badRequest("failed to get HTTP URL content");
      video = { source: "url", fileId: fileId(), url: ref, contentType: got.contentType, size: got.size, sha256: got.sha256 };
    } else if (b.videos.has(ref)) {
      video = { ...b.videos.get(ref)!, source: "file_id" };
    } else {
      throw badRequest("wrong file identifier/HTTP URL specified");
    }
    b.videos.set(video.fileId, video);
    return record(b, {
      method: "sendVideo",
      chatId,
      ...(caption !== undefined ? { caption } : {}),
      ...(mode ? { parseMode: mode } : {}),
      ...(reply !== undefined ? { replyToMessageId: reply } : {}),
      supportsStreaming: boolParam(params, "supports_streaming"),
      video,
    });
  }

  function setWebhook(b: Bot, input: CallInput) {
    const { params } = input;
    const url = stringParam(params, "url") ?? "";
    const secretToken = stringParam(params, "secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) throw badRequest("secret token contains unallowed characters");
    if (url !== "" && !/^https?:\/\//.test(url)) throw badRequest("invalid webhook URL specified");
    const allowed = jsonParam(params, "allowed_updates", "allowed updates");
    b.webhook =
      url === ""
        ? null
        : {
            url,
            ...(secretToken !== undefined ? { secretToken } : {}),
            ...(Array.isArray(allowed) ? { allowedUpdates: allowed.map(String) } : {}),
            ...(params.drop_pending_updates !== undefined ? { dropPendingUpdates: boolParam(params, "drop_pending_updates") } : {}),
          };
    return true;
  }

  async function call(b: Bot, method: string, input: CallInput): Promise<unknown> {
    switch (method.toLowerCase()) {
      case "getme":
        return { ...botUser(b), can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case "sendmessage":
        return sendMessage(b, input);
      case "sendvideo":
        return sendVideo(b, input);
      case "setwebhook":
        return setWebhook(b, input);
      case "deletewebhook":
        b.webhook = null;
        return true;
      case "getwebhookinfo":
        return { url: b.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0, ...(b.webhook?.allowedUpdates ? { allowed_updates: b.webhook.allowedUpdates } : {}) };
      default:
        throw new ApiError(404, "Not Found");
    }
  }

  async function handleBot(b: Bot, method: string, url: URL, req: IncomingMessage, res: ServerResponse) {
    const contentLength = req.headers["content-length"];
    const log: FakeTelegramRequest = {
      method,
      httpMethod: req.method ?? "GET",
      status: 0,
      ...(req.headers["content-type"] ? { contentType: req.headers["content-type"] } : {}),
      ...(contentLength !== undefined ? { contentLength: Number(contentLength) } : {}),
      chunked: /chunked/i.test(req.headers["transfer-encoding"] ?? ""),
    };
    b.requests.push(log);
    res.on("finish", () => {
      log.status = res.statusCode;
    });
    let input: CallInput;
    try {
      input = await readCall(req, url);
    } catch (e) {
      if (e instanceof ApiError) return sendApiError(res, e);
      res.destroy();
      return;
    }
    const fault = takeFault(b, method);
    if (fault?.drop) {
      res.socket?.destroy();
      return;
    }
    if (fault?.html) {
      // Like many proxies' error pages, it names the request's path (which holds the bot's token).
      const page = Buffer.from(`<html>\r\n<head><title>${fault.status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${fault.status} Bad Gateway</h1></center>\r\n<p>${req.method} ${url.pathname}</p>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n`);
      res.writeHead(fault.status, { "Content-Type": "text/html", "Content-Length": page.length });
      res.end(page);
      return;
    }
    if (fault) {
      const retryAfter = fault.retryAfter ?? 3;
      return sendApiError(res, new ApiError(fault.status, fault.description ?? defaultDescription(fault.status, retryAfter), fault.status === 429 ? { retry_after: retryAfter } : undefined));
    }
    try {
      sendJson(res, 200, { ok: true, result: await call(b, method, input) });
    } catch (e) {
      if (e instanceof ApiError) return sendApiError(res, e);
      throw e;
    }
  }

  /** An Update carrying a user's text message in `chat_id`, as Telegram would POST it to the webhook. */
  function newUpdate(b: Bot, body: { chat_id?: unknown; text?: unknown; from_id?: unknown }) {
    const chatId = chatIdParam(body.chat_id);
    if (typeof chatId !== "number") throw badRequest("updates come from numeric chats");
    const chat = chatOf(b, chatId);
    const messageId = chat.next++;
    chat.ids.add(messageId);
    const fromId = typeof body.from_id === "number" ? body.from_id : chatId;
    return {
      update_id: b.nextUpdateId++,
      message: {
        message_id: messageId,
        from: { id: fromId, is_bot: false, first_name: "Test", username: `user${fromId}`, language_code: "es" },
        chat: { id: chatId, first_name: "Test", username: `user${fromId}`, type: chatId > 0 ? "private" : "group" },
        date: Math.floor(Date.now() / 1000),
        text: typeof body.text === "string" ? body.text : "",
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", origin);
    const api = /^\/bot([^/]+)\/([^/]*)$/.exec(url.pathname);
    if (api) {
      const b = byToken.get(decodeURIComponent(api[1]!));
      if (!b) {
        await readBody(req, Infinity).catch(() => undefined);
        return sendApiError(res, new ApiError(401, "Unauthorized"));
      }
      return handleBot(b, api[2]!, url, req, res);
    }
    if (await files.handle(req, res, url)) return;
    if (req.method === "POST" && url.pathname === "/__fake/bots") return sendJson(res, 201, createBot());
    const control = /^\/__fake\/bots\/(\d+)(\/faults|\/updates)?$/.exec(url.pathname);
    const b = control ? bots.get(Number(control[1])) : undefined;
    if (control && !b) return sendJson(res, 404, { error: "no such bot" });
    if (b && !control![2] && req.method === "GET") return sendJson(res, 200, state(b.info.id));
    if (b && control![2] === "/faults" && req.method === "POST") {
      addFault(b.info.id, JSON.parse((await readBody(req)).toString("utf8")) as FakeTelegramFault);
      res.writeHead(204).end();
      return;
    }
    if (b && control![2] === "/updates" && req.method === "POST") {
      try {
        return sendJson(res, 201, newUpdate(b, JSON.parse((await readBody(req)).toString("utf8"))));
      } catch (e) {
        if (e instanceof ApiError) return sendApiError(res, e);
        throw e;
      }
    }
    // Telegram's answer to a path that is not /bot<token>/<method>.
    sendApiError(res, new ApiError(404, "Not Found"));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendApiError(res, new ApiError(500, `Internal Server Error: ${e instanceof Error ? e.message : String(e)}`));
      else res.destroy();
    });
  });
  const listening = await listenOnLoopback(server, opts.port);
  origin = listening.origin;
  return {
    ...listening,
    createBot,
    state,
    addFault,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "9201" } } });
  const fake = await startFakeTelegram({ port: Number(values.port) });
  const bot = fake.createBot();
  console.log(`fake Telegram Bot API on ${fake.origin}`);
  console.log(JSON.stringify({ TELEGRAM_API_BASE_URL: bot.apiBaseUrl, TELEGRAM_BOT_TOKEN: bot.token }, null, 2));
}
