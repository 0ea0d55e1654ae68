/**
 * The Telegram Bot API client inside workerd against the fake Bot API (a Node server started by the worker
 * project's globalSetup): real HTTP, real multipart bodies parsed by busboy, real R2 streams.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toHex } from "../../../worker/lib/crypto";
import {
  createTelegramClient,
  parseTelegramUpdate,
  TELEGRAM_UPLOAD_LIMIT_BYTES,
  telegramConfig,
  telegramConfigFromEnv,
  TelegramConfigError,
  TelegramError,
  verifyTelegramSecret,
} from "../../../worker/integrations/telegram";
import { streamOf } from "../support/files";
import { newFakeBot } from "./fake-telegram";

const MiB = 1024 * 1024;
const sha256 = async (bytes: Uint8Array) => toHex(await crypto.subtle.digest("SHA-256", bytes));

/** Random bytes (getRandomValues fills at most 64 KiB per call). */
function randomBytes(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(size, i + 65536)));
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

/** What a multipart body of these fields and file weighs, counted independently of the client's encoder. */
function multipartLength(contentType: string, fields: [string, string][], file: { name: string; filename: string; type: string; size: number }) {
  const boundary = /boundary=(.+)$/.exec(contentType)![1]!;
  const enc = (s: string) => new TextEncoder().encode(s).byteLength;
  let n = 0;
  for (const [name, value] of fields) n += enc(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  n += enc(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`);
  return n + file.size + enc(`\r\n--${boundary}--\r\n`);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("configuration", () => {
  it("should be off without a token, and default to api.telegram.org", () => {
    expect(telegramConfigFromEnv({})).toBeUndefined();
    expect(telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: " ", TELEGRAM_WEBHOOK_SECRET: "x" })).toBeUndefined();
    const config = telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" })!;
    expect(config).toEqual({ botToken: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", apiBaseUrl: "https://api.telegram.org", webhookSecret: undefined, uploadLimitBytes: 50 * MiB });
    expect(TELEGRAM_UPLOAD_LIMIT_BYTES).toBe(50 * MiB);
    const local = telegramConfigFromEnv({ TELEGRAM_BOT_TOKEN: "1:AAAAAAAAAAAAAAAAAAAAAAAA", TELEGRAM_API_BASE_URL: "http://127.0.0.1:8081/", TELEGRAM_WEBHOOK_SECRET: "s3cr3t_-X" })!;
    expect(local.apiBaseUrl).toBe("http://127.0.0.1:8081");
    expect(local.webhookSecret).toBe("s3cr3t_-X");
  });

  it("should refuse an unusable token, URL or secret without echoing the token", () => {
    const secretPart = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    for (const env of [
      { TELEGRAM_BOT_TOKEN: `nobot${secretPart}` },
      { TELEGRAM_BOT_TOKEN: `123:${secretPart}`, TELEGRAM_API_BASE_URL: "ftp://x" },
      { TELEGRAM_BOT_TOKEN: `123:${secretPart}`, TELEGRAM_WEBHOOK_SECRET: "has space" },
    ]) {
      let error: unknown;
      try {
        telegramConfigFromEnv(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TelegramConfigError);
      expect(String(error)).not.toContain(secretPart);
    }
  });
});

describe("getMe and errors", () => {
  it("should reach the bot named by its token", async () => {
    const bot = await newFakeBot();
    const me = await createTelegramClient(bot.config()).getMe();
    expect(me).toMatchObject({ id: bot.id, is_bot: true, username: bot.username });
  });

  it("should type a refused token as a non-retryable 401 without the token in the message", async () => {
    const bot = await newFakeBot();
    const wrong = `${bot.id}:AAwrongwrongwrongwrongwrongwrongwro`;
    const error = await rejection(createTelegramClient({ botToken: wrong, apiBaseUrl: bot.apiBaseUrl }).getMe());
    expect(error).toBeInstanceOf(TelegramError);
    expect(error).toMatchObject({ method: "getMe", status: 401, errorCode: 401, description: "Unauthorized", retryable: false });
    expect(String(error)).not.toContain(wrong);
  });

  it("should keep the token out of a network failure and call it retryable", async () => {
    // Port 9 (discard) is closed on the test machines: the connection is refused.
    const token = "42:AAsecretsecretsecretsecretsecretsec";
    const error = await rejection(createTelegramClient({ botToken: token, apiBaseUrl: "http://127.0.0.1:9" }).getMe());
    expect(error).toMatchObject({ name: "TelegramError", status: 0, reason: "network", retryable: true });
    expect(String(error)).not.toContain("AAsecret");
  });
});

describe("sendMessage", () => {
  it("should deliver the text to the chat, as a reply to the user's message", async () => {
    const bot = await newFakeBot();
    const client = createTelegramClient(bot.config());
    const update = await bot.userMessage(123456789, "https://www.tiktok.com/@user/video/123");
    const text = "Procesando tu video… 🎬 <b>no es HTML</b> & \"comillas\"";
    const sent = await client.sendMessage(update.message.chat.id, text, { replyToMessageId: update.message.message_id, disableLinkPreview: true });
    const { sent: log } = await bot.state();
    expect(log).toEqual([expect.objectContaining({ method: "sendMessage", chatId: 123456789, text, replyToMessageId: update.message.message_id, messageId: sent.message_id })]);
    expect(sent.chat.id).toBe(123456789);
    expect(sent.text).toBe(text);
  });

  it("should still reply when the user's message is unknown to Telegram (deleted meanwhile)", async () => {
    const bot = await newFakeBot();
    await createTelegramClient(bot.config()).sendMessage(-100987, "hola", { replyToMessageId: 999_999 });
    expect((await bot.state()).sent).toEqual([expect.objectContaining({ chatId: -100987, text: "hola", replyToMessageId: 999_999 })]);
  });

  it("should type flood control as retryable with Telegram's retry_after", async () => {
    const bot = await newFakeBot();
    await bot.fault({ method: "sendMessage", status: 429, retryAfter: 17 });
    const client = createTelegramClient(bot.config());
    const error = await rejection(client.sendMessage(1, "x"));
    expect(error).toBeInstanceOf(TelegramError);
    expect(error).toMatchObject({ method: "sendMessage", status: 429, errorCode: 429, retryAfterSeconds: 17, retryable: true, description: "Too Many Requests: retry after 17" });
    await client.sendMessage(1, "x");
    expect((await bot.state()).sent).toHaveLength(1);
  });

  it.each([
    { fault: { status: 403 }, status: 403, description: "Forbidden: bot was blocked by the user", retryable: false },
    { fault: { status: 400, description: "Bad Request: chat not found" }, status: 400, description: "Bad Request: chat not found", retryable: false },
    { fault: { status: 500 }, status: 500, description: "Internal Server Error", retryable: true },
    { fault: { status: 502, html: true }, status: 502, description: undefined, retryable: true },
  ])("should type a $status answer as retryable=$retryable", async ({ fault, status, description, retryable }) => {
    const bot = await newFakeBot();
    await bot.fault({ method: "sendMessage", ...fault });
    const error = await rejection(createTelegramClient(bot.config()).sendMessage(5, "x"));
    expect(error).toMatchObject({ name: "TelegramError", status, description, retryable });
    // The proxy page names the request path, which holds the token.
    expect(String((error as Error).message)).not.toContain(bot.token);
  });

  it("should type a dropped connection as a retryable network failure", async () => {
    const bot = await newFakeBot();
    await bot.fault({ method: "sendMessage", status: 0, drop: true });
    const error = await rejection(createTelegramClient(bot.config()).sendMessage(5, "x"));
    expect(error).toMatchObject({ name: "TelegramError", status: 0, reason: "network", retryable: true });
  });

  it("should surface Telegram's own refusal of an over-long text as non-retryable", async () => {
    const bot = await newFakeBot();
    const client = createTelegramClient(bot.config());
    await client.sendMessage(7, "é".repeat(4096));
    const error = await rejection(client.sendMessage(7, "é".repeat(4097)));
    expect(error).toMatchObject({ status: 400, description: "Bad Request: message is too long", retryable: false });
  });
});

describe("sendVideo", () => {
  it("should stream a video from R2 as one multipart upload of known length that arrives intact", async () => {
    const bot = await newFakeBot();
    const bytes = randomBytes(3 * MiB + 4321);
    const key = `test/telegram/${crypto.randomUUID()}`;
    await env.MEDIA.put(key, bytes);
    const object = (await env.MEDIA.get(key))!;
    const update = await bot.userMessage(555, "https://vm.tiktok.com/ZMabc/");
    const filename = 'edit "final".mp4';
    const sent = await createTelegramClient(bot.config()).sendVideo(555, { stream: object.body, size: object.size, filename }, "Listo ✅", {
      replyToMessageId: update.message.message_id,
    });
    const state = await bot.state();
    expect(state.sent).toEqual([
      expect.objectContaining({
        method: "sendVideo",
        chatId: 555,
        caption: "Listo ✅",
        replyToMessageId: update.message.message_id,
        supportsStreaming: true,
        messageId: sent.message_id,
        video: expect.objectContaining({ source: "upload", filename: "edit 'final'.mp4", contentType: "video/mp4", size: bytes.byteLength, sha256: await sha256(bytes) }),
      }),
    ]);
    expect(sent.video).toMatchObject({ file_size: bytes.byteLength });
    // One request with a Content-Length (not chunked) that is exactly the multipart body.
    const [request] = state.requests.filter((r) => r.method === "sendVideo");
    expect(state.requests.filter((r) => r.method === "sendVideo")).toHaveLength(1);
    expect(request!.chunked).toBe(false);
    const fields: [string, string][] = [
      ["chat_id", "555"],
      ["caption", "Listo ✅"],
      ["supports_streaming", "true"],
      ["reply_parameters", JSON.stringify({ message_id: update.message.message_id, allow_sending_without_reply: true })],
    ];
    expect(request!.contentLength).toBe(multipartLength(request!.contentType!, fields, { name: "video", filename: "edit 'final'.mp4", type: "video/mp4", size: bytes.byteLength }));
  });

  it("should send a URL that Telegram downloads itself", async () => {
    const bot = await newFakeBot();
    const bytes = randomBytes(700_000);
    const url = await bot.hostFile(`${crypto.randomUUID()}.mp4`, bytes);
    const sent = await createTelegramClient(bot.config()).sendVideo(42, { url }, "por URL");
    const [message] = (await bot.state()).sent;
    expect(message).toMatchObject({ chatId: 42, caption: "por URL", messageId: sent.message_id, video: { source: "url", url, size: bytes.byteLength, sha256: await sha256(bytes) } });
  });

  it("should type a URL Telegram cannot fetch as a non-retryable 400", async () => {
    const bot = await newFakeBot();
    const error = await rejection(createTelegramClient(bot.config()).sendVideo(42, { url: `${bot.filesUrl}/missing.mp4` }));
    expect(error).toMatchObject({ status: 400, description: "Bad Request: failed to get HTTP URL content", retryable: false });
    expect((await bot.state()).sent).toEqual([]);
  });

  it("should refuse a video over the upload limit before sending a byte, and release its stream", async () => {
    const bot = await newFakeBot();
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1024)),
      cancel: () => {
        cancelled = true;
      },
    });
    const client = createTelegramClient(bot.config({ uploadLimitBytes: 10_000 }));
    const error = await rejection(client.sendVideo(1, { stream, size: 10_001, filename: "big.mp4" }));
    expect(error).toMatchObject({ name: "TelegramError", reason: "too_large", retryable: false });
    expect(cancelled).toBe(true);
    expect((await bot.state()).requests).toEqual([]);
  });

  it("should say the source was at fault when the stream holds fewer bytes than declared", async () => {
    const bot = await newFakeBot();
    const bytes = randomBytes(200_000);
    const error = await rejection(createTelegramClient(bot.config()).sendVideo(1, { stream: streamOf(bytes), size: bytes.byteLength + 1, filename: "short.mp4" }));
    expect(error).toMatchObject({ name: "TelegramError", reason: "body_length", retryable: false });
    expect((await bot.state()).sent).toEqual([]);
  });

  it("should type flood control on an upload as retryable, and succeed on the next attempt with a fresh stream", async () => {
    const bot = await newFakeBot();
    const bytes = randomBytes(MiB);
    await bot.fault({ method: "sendVideo", status: 429, retryAfter: 5 });
    const client = createTelegramClient(bot.config());
    const error = await rejection(client.sendVideo(9, { stream: streamOf(bytes), size: bytes.byteLength, filename: "a.mp4" }));
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 5, retryable: true });
    await client.sendVideo(9, { stream: streamOf(bytes), size: bytes.byteLength, filename: "a.mp4" });
    expect((await bot.state()).sent).toEqual([expect.objectContaining({ chatId: 9, video: expect.objectContaining({ sha256: await sha256(bytes) }) })]);
  });
});

describe("setWebhook", () => {
  it("should register the URL with the secret token", async () => {
    const bot = await newFakeBot();
    await createTelegramClient(bot.config()).setWebhook("https://platform.example/webhook/telegram", { secretToken: "abc_DEF-123", allowedUpdates: ["message"] });
    expect((await bot.state()).webhook).toEqual({ url: "https://platform.example/webhook/telegram", secretToken: "abc_DEF-123", allowedUpdates: ["message"] });
  });
});

describe("parseTelegramUpdate", () => {
  it("should read what the fake Telegram delivers", async () => {
    const bot = await newFakeBot();
    const update = await bot.userMessage(123456789, "https://www.tiktok.com/@user/video/123");
    const parsed = parseTelegramUpdate(JSON.parse(JSON.stringify(update)));
    expect(parsed.success && parsed.data).toMatchObject({
      updateId: update.update_id,
      message: { kind: "message", chatId: 123456789, messageId: update.message.message_id, text: "https://www.tiktok.com/@user/video/123" },
    });
  });

  it("should read seed 003's documented body, which has no update_id or message_id", () => {
    const parsed = parseTelegramUpdate({ message: { text: "https://www.tiktok.com/@user/video/123", chat: { id: 123456789 } } });
    expect(parsed.success && parsed.data).toMatchObject({ updateId: undefined, message: { chatId: 123456789, messageId: undefined, text: "https://www.tiktok.com/@user/video/123" } });
  });

  it("should take a caption as the text, and accept updates that carry no message", () => {
    const captioned = parseTelegramUpdate({ update_id: 1, edited_message: { message_id: 3, chat: { id: -5 }, caption: "link" } });
    expect(captioned.success && captioned.data.message).toEqual({ kind: "edited_message", chatId: -5, messageId: 3, text: "link", fromId: undefined });
    const callback = parseTelegramUpdate({ update_id: 2, callback_query: { id: "x", data: "y" } });
    expect(callback.success && callback.data).toMatchObject({ updateId: 2, message: undefined });
  });

  it("should refuse bodies that are not updates", () => {
    for (const body of [null, "text", { update_id: "1" }, { message: { text: "x" } }, { message: { chat: { id: "123" } } }, { message: { chat: { id: 1.5 } } }]) {
      expect(parseTelegramUpdate(body).success, JSON.stringify(body)).toBe(false);
    }
  });
});

describe("verifyTelegramSecret", () => {
  it("should accept the configured token and name why others fail", async () => {
    expect(await verifyTelegramSecret("abc_DEF-123", "abc_DEF-123")).toEqual({ ok: true });
    expect(await verifyTelegramSecret("abc_DEF-124", "abc_DEF-123")).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyTelegramSecret("abc_DEF-1234", "abc_DEF-123")).toEqual({ ok: false, reason: "mismatch" });
    expect(await verifyTelegramSecret(null, "abc_DEF-123")).toEqual({ ok: false, reason: "missing" });
    expect(await verifyTelegramSecret("", "abc_DEF-123")).toEqual({ ok: false, reason: "missing" });
    expect(await verifyTelegramSecret("abc DEF", "abc_DEF-123")).toEqual({ ok: false, reason: "malformed" });
    await expect(verifyTelegramSecret("x", "")).rejects.toThrow(TypeError);
  });

  it("should decide through the runtime's constant-time comparison", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual").mockReturnValue(false);
    expect(await verifyTelegramSecret("abc_DEF-123", "abc_DEF-123")).toEqual({ ok: false, reason: "mismatch" });
    expect(compare).toHaveBeenCalledTimes(1);
  });
});

it("should accept a TelegramConfig built by hand (a local Bot API server's larger upload limit)", () => {
  expect(telegramConfig({ botToken: "1:AAAAAAAAAAAAAAAAAAAAAAAA", uploadLimitBytes: 2000 * MiB }).uploadLimitBytes).toBe(2000 * MiB);
});
