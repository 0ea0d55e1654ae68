/**
 * Telegram Bot API client for the Worker (https://core.telegram.org/bots/api): getMe, sendMessage, sendVideo
 * (uploaded as a streamed multipart body, or a URL Telegram downloads itself) and setWebhook. Uses only fetch
 * and web streams, so it runs in workerd. The API's base URL is configurable (tests, a local Bot API server).
 *
 * No call is retried here: errors are TelegramErrors that say whether a later attempt can help, and 429s carry
 * Telegram's `retry_after`, so the task engine schedules the retry. The Bot API has no idempotency key: a call
 * whose answer was lost may have been delivered, so callers that must not send twice record what they sent.
 *
 * @example
 * const config = telegramConfigFromEnv(env);
 * if (config) {
 *   const bot = createTelegramClient(config);
 *   await bot.sendMessage(chatId, "Processing your video…", { replyToMessageId });
 *   const object = await env.MEDIA.get(key);
 *   await bot.sendVideo(chatId, { stream: object.body, size: object.size, filename: "edit.mp4" }, "Done");
 * }
 */
import { z } from "zod";
import { BodyLengthError, streamedMultipart } from "./multipart-body";
import { telegramSecretTokenSchema } from "./telegram-update";

export {
  parseTelegramUpdate,
  type ParsedTelegramUpdate,
  TELEGRAM_SECRET_HEADER,
  type TelegramIncomingMessage,
  type TelegramSecretCheck,
  telegramSecretTokenSchema,
  type TelegramUpdate,
  type TelegramUpdateBody,
  telegramUpdateSchema,
  verifyTelegramSecret,
} from "./telegram-update";

export const TELEGRAM_API_BASE_URL = "https://api.telegram.org";
/** The Bot API's cap on a file a bot uploads with multipart/form-data (a local Bot API server allows 2000 MB). */
export const TELEGRAM_UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
/** Telegram's caps on a message's text and a caption, in characters after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;

export interface TelegramConfig {
  botToken: string;
  /** Origin (and optional path prefix) that `/bot<token>/<method>` is appended to. */
  apiBaseUrl: string;
  /** setWebhook's secret_token, checked on deliveries; undefined when the webhook is not protected by one. */
  webhookSecret: string | undefined;
  /** Uploads larger than this are refused before any byte is sent. */
  uploadLimitBytes: number;
}

/** The environment names the caller reads. */
export interface TelegramEnv {
  TELEGRAM_BOT_TOKEN?: string;
  TELEGRAM_API_BASE_URL?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
}

export class TelegramConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TelegramConfigError";
  }
}

/** BotFather's token format: the bot's numeric id, a colon, and the secret part. */
const botTokenSchema = z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{20,}$/);
const httpUrl = z.url({ protocol: /^https?$/ });
const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** Builds a TelegramConfig; errors name the setting at fault but never echo the token. */
export function telegramConfig(input: { botToken: string; apiBaseUrl?: string; webhookSecret?: string; uploadLimitBytes?: number }): TelegramConfig {
  const botToken = input.botToken.trim();
  if (!botTokenSchema.safeParse(botToken).success) throw new TelegramConfigError("TELEGRAM_BOT_TOKEN is not a bot token (<bot id>:<secret>, as BotFather gives it)");
  const base = trimmed(input.apiBaseUrl);
  if (base !== undefined && !httpUrl.safeParse(base).success) throw new TelegramConfigError("TELEGRAM_API_BASE_URL is not an http(s) URL");
  const webhookSecret = trimmed(input.webhookSecret);
  if (webhookSecret !== undefined && !telegramSecretTokenSchema.safeParse(webhookSecret).success) {
    throw new TelegramConfigError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters A-Z a-z 0-9 _ - (Telegram's secret_token rule)");
  }
  const uploadLimitBytes = input.uploadLimitBytes ?? TELEGRAM_UPLOAD_LIMIT_BYTES;
  if (!Number.isSafeInteger(uploadLimitBytes) || uploadLimitBytes <= 0) throw new TelegramConfigError("the upload limit must be a positive number of bytes");
  return { botToken, apiBaseUrl: (base ?? TELEGRAM_API_BASE_URL).replace(/\/+$/, ""), webhookSecret, uploadLimitBytes };
}

/** Telegram's configuration from the environment: undefined when no bot token is set (the bot is off). */
export function telegramConfigFromEnv(env: TelegramEnv): TelegramConfig | undefined {
  const token = trimmed(env.TELEGRAM_BOT_TOKEN);
  if (token === undefined) return undefined;
  return telegramConfig({ botToken: token, apiBaseUrl: env.TELEGRAM_API_BASE_URL, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET });
}

export type TelegramMethod = "getMe" | "sendMessage" | "sendVideo" | "setWebhook";

export class TelegramError extends Error {
  readonly method: TelegramMethod;
  /** HTTP status of the answer; 0 when none arrived (network failure, abort) or no request was sent. */
  readonly status: number;
  /** Telegram's `error_code` (usually the HTTP status), when the answer was the API's JSON. */
  readonly errorCode: number | undefined;
  /** Telegram's `description` (e.g. "Forbidden: bot was blocked by the user"), when given. */
  readonly description: string | undefined;
  /** `parameters.retry_after` of a 429 (seconds to wait), else a Retry-After header. */
  readonly retryAfterSeconds: number | undefined;
  /** `parameters.migrate_to_chat_id`: the group became a supergroup with this id. */
  readonly migrateToChatId: number | undefined;
  /** Our own classification when no answer says it: `network`, `aborted`, `too_large`, `body_length`, `unexpected_answer`. */
  readonly reason: string | undefined;
  readonly retryable: boolean;

  constructor(
    method: TelegramMethod,
    status: number,
    message: string,
    opts: { errorCode?: number; description?: string; retryAfterSeconds?: number; migrateToChatId?: number; reason?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`Telegram ${method}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "TelegramError";
    this.method = method;
    this.status = status;
    this.errorCode = opts.errorCode;
    this.description = opts.description;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.migrateToChatId = opts.migrateToChatId;
    this.reason = opts.reason;
    this.retryable = opts.retryable ?? isRetryableStatus(opts.errorCode ?? status);
  }
}

/** 429 (flood control) and 5xx are transient; 0 is a network failure. 400/401/403/404/409 need a change first. */
export const isRetryableStatus = (status: number) => status === 0 || status === 429 || status >= 500;

const errorBodySchema = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});

const userSchema = z.looseObject({ id: z.number().int(), is_bot: z.boolean(), first_name: z.string(), username: z.string().optional() });
export type TelegramUser = z.infer<typeof userSchema>;

const messageSchema = z.looseObject({
  message_id: z.number().int(),
  chat: z.looseObject({ id: z.number().int() }),
  date: z.number().int().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  video: z
    .looseObject({ file_id: z.string(), file_unique_id: z.string(), file_size: z.number().optional(), mime_type: z.string().optional(), file_name: z.string().optional() })
    .optional(),
});
/** The sent message as Telegram answers it (only the fields read here are checked; the rest pass through). */
export type TelegramMessage = z.infer<typeof messageSchema>;

export type ChatId = number | string;

export interface SendMessageOptions {
  /** Reply to this message; sent even if it was deleted meanwhile (`allow_sending_without_reply`). */
  replyToMessageId?: number;
  parseMode?: "HTML" | "MarkdownV2";
  disableLinkPreview?: boolean;
  signal?: AbortSignal;
}

/** A video Telegram downloads itself (≤ 20 MB, Telegram's cap for URLs), or bytes uploaded from a stream. */
export type TelegramVideoInput =
  | { url: string }
  | {
      stream: ReadableStream<Uint8Array>;
      /** Exact byte length of `stream` (the multipart body is sent with a Content-Length). */
      size: number;
      filename: string;
      /** Default video/mp4. */
      contentType?: string;
    };

export interface SendVideoOptions {
  replyToMessageId?: number;
  parseMode?: "HTML" | "MarkdownV2";
  /** Default true: the video can start playing before it is fully downloaded (needs a faststart MP4). */
  supportsStreaming?: boolean;
  signal?: AbortSignal;
}

export interface SetWebhookOptions {
  secretToken?: string;
  allowedUpdates?: string[];
  dropPendingUpdates?: boolean;
  maxConnections?: number;
  signal?: AbortSignal;
}

export interface TelegramClient {
  getMe(opts?: { signal?: AbortSignal }): Promise<TelegramUser>;
  sendMessage(chatId: ChatId, text: string, opts?: SendMessageOptions): Promise<TelegramMessage>;
  sendVideo(chatId: ChatId, video: TelegramVideoInput, caption?: string, opts?: SendVideoOptions): Promise<TelegramMessage>;
  setWebhook(url: string, opts?: SetWebhookOptions): Promise<true>;
}

type Params = Record<string, string | number | boolean | object | undefined>;

export function createTelegramClient(config: Pick<TelegramConfig, "botToken"> & Partial<Omit<TelegramConfig, "botToken">>): TelegramClient {
  const base = (config.apiBaseUrl ?? TELEGRAM_API_BASE_URL).replace(/\/+$/, "");
  const uploadLimitBytes = config.uploadLimitBytes ?? TELEGRAM_UPLOAD_LIMIT_BYTES;
  const methodUrl = (method: TelegramMethod) => `${base}/bot${config.botToken}/${method}`;
  // The token is part of every URL: keep it out of anything that may reach a log.
  const redact = (text: string) => text.split(config.botToken).join("<token>");

  async function send(method: TelegramMethod, init: RequestInit, signal: AbortSignal | undefined): Promise<Response> {
    try {
      return await fetch(methodUrl(method), { ...init, signal });
    } catch (cause) {
      const aborted = signal?.aborted ?? false;
      const message = aborted ? "aborted" : redact(cause instanceof Error ? cause.message : String(cause));
      throw new TelegramError(method, 0, message, { reason: aborted ? "aborted" : "network", retryable: !aborted });
    }
  }

  /** Reads `{ok, result}` or `{ok: false, error_code, ...}`; bodies that are not the API's JSON (a proxy's 502 page) still become typed errors. */
  async function resultOf<T>(method: TelegramMethod, res: Response, schema: z.ZodType<T>): Promise<T> {
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const retryAfterHeader = Number(res.headers.get("Retry-After"));
    const headerRetry = Number.isFinite(retryAfterHeader) && retryAfterHeader > 0 ? retryAfterHeader : undefined;
    if (res.ok && typeof body === "object" && body !== null && (body as { ok?: unknown }).ok === true) {
      const result = schema.safeParse((body as { result?: unknown }).result);
      if (result.success) return result.data;
      // Telegram said ok: the message went out. Retrying would send it twice.
      throw new TelegramError(method, res.status, "ok answer without the expected result", { reason: "unexpected_answer", retryable: false });
    }
    const error = errorBodySchema.safeParse(body);
    if (error.success) {
      const { error_code, description, parameters } = error.data;
      throw new TelegramError(method, res.status, description ?? `error ${error_code}`, {
        errorCode: error_code,
        description,
        retryAfterSeconds: parameters?.retry_after ?? headerRetry,
        migrateToChatId: parameters?.migrate_to_chat_id,
      });
    }
    throw new TelegramError(method, res.status, `HTTP ${res.status}${text ? `: ${redact(text.slice(0, 200))}` : ""}`, { retryAfterSeconds: headerRetry });
  }

  async function callJson<T>(method: TelegramMethod, params: Params, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const body: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body[k] = v;
    const res = await send(method, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) }, signal);
    return resultOf(method, res, schema);
  }

  const replyParameters = (messageId: number | undefined) =>
    messageId === undefined ? undefined : { message_id: messageId, allow_sending_without_reply: true };

  async function uploadVideo(chatId: ChatId, video: Extract<TelegramVideoInput, { stream: unknown }>, params: Params, signal?: AbortSignal): Promise<TelegramMessage> {
    if (video.size > uploadLimitBytes) {
      await video.stream.cancel().catch(() => undefined);
      throw new TelegramError("sendVideo", 0, `the video has ${video.size} bytes; bots upload at most ${uploadLimitBytes}`, { reason: "too_large", retryable: false });
    }
    const fields = [{ name: "chat_id", value: String(chatId) }];
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) fields.push({ name, value: typeof value === "object" ? JSON.stringify(value) : String(value) });
    }
    // Telegram shows the name as sent; a quote would reach it percent-encoded (%22), so it becomes an apostrophe.
    const filename = video.filename.replace(/"/g, "'").replace(/[\r\n]+/g, " ");
    const multipart = streamedMultipart(fields, { name: "video", filename, contentType: video.contentType ?? "video/mp4", size: video.size, body: video.stream });
    let res: Response;
    try {
      res = await send("sendVideo", { method: "POST", headers: { "Content-Type": multipart.contentType, Accept: "application/json" }, body: multipart.body }, signal);
    } catch (error) {
      multipart.stop(error);
      const copyError = await multipart.copied;
      if (copyError instanceof BodyLengthError) {
        throw new TelegramError("sendVideo", 0, copyError.message, { reason: "body_length", retryable: false, cause: copyError });
      }
      throw error;
    }
    // Telegram may answer before reading everything (an error); stop feeding the request then.
    multipart.stop();
    await multipart.copied;
    return resultOf("sendVideo", res, messageSchema);
  }

  return {
    getMe: (opts = {}) => callJson("getMe", {}, userSchema, opts.signal),

    sendMessage: (chatId, text, opts = {}) =>
      callJson(
        "sendMessage",
        {
          chat_id: chatId,
          text,
          parse_mode: opts.parseMode,
          reply_parameters: replyParameters(opts.replyToMessageId),
          link_preview_options: opts.disableLinkPreview ? { is_disabled: true } : undefined,
        },
        messageSchema,
        opts.signal,
      ),

    async sendVideo(chatId, video, caption, opts = {}) {
      const params: Params = {
        caption,
        parse_mode: opts.parseMode,
        supports_streaming: opts.supportsStreaming ?? true,
        reply_parameters: replyParameters(opts.replyToMessageId),
      };
      if ("url" in video) return callJson("sendVideo", { chat_id: chatId, video: video.url, ...params }, messageSchema, opts.signal);
      return uploadVideo(chatId, video, params, opts.signal);
    },

    async setWebhook(url, opts = {}) {
      await callJson(
        "setWebhook",
        { url, secret_token: opts.secretToken, allowed_updates: opts.allowedUpdates, drop_pending_updates: opts.dropPendingUpdates, max_connections: opts.maxConnections },
        z.literal(true),
        opts.signal,
      );
      return true;
    },
  };
}
