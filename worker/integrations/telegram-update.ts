/**
 * What Telegram POSTs to a bot's webhook (an Update, https://core.telegram.org/bots/api#update), and the
 * check of the secret token Telegram sends with it (`X-Telegram-Bot-Api-Secret-Token`, set by setWebhook).
 */
import { z } from "zod";
import { secretsEqual } from "./constant-time";

/** The header that carries setWebhook's `secret_token` on every delivery. */
export const TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

/** setWebhook's rule for `secret_token`: 1–256 characters A-Z, a-z, 0-9, `_` and `-`. */
export const telegramSecretTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters A-Z a-z 0-9 _ -");

const chatSchema = z.looseObject({
  // Telegram's ids fit in 52 bits, so a JS number holds them exactly.
  id: z.number().int(),
  type: z.string().optional(),
});

const messageSchema = z.looseObject({
  /** Absent in seed 003's documented example body; always present in Telegram's own deliveries. */
  message_id: z.number().int().optional(),
  chat: chatSchema,
  date: z.number().int().optional(),
  text: z.string().optional(),
  /** The text of a photo or video message (where a pasted link ends up when media is attached). */
  caption: z.string().optional(),
  from: z.looseObject({ id: z.number().int(), is_bot: z.boolean().optional(), username: z.string().optional() }).optional(),
});

export const telegramUpdateSchema = z.looseObject({
  /** Absent in seed 003's documented example body; Telegram's deliveries always carry it (the dedup key). */
  update_id: z.number().int().optional(),
  message: messageSchema.optional(),
  edited_message: messageSchema.optional(),
  channel_post: messageSchema.optional(),
});
export type TelegramUpdateBody = z.infer<typeof telegramUpdateSchema>;

export interface TelegramIncomingMessage {
  chatId: number;
  messageId: number | undefined;
  /** `text`, else `caption`; undefined for messages with neither (stickers, joins, ...). */
  text: string | undefined;
  fromId: number | undefined;
  /** Which field of the Update held it. */
  kind: "message" | "edited_message" | "channel_post";
}

export interface TelegramUpdate {
  updateId: number | undefined;
  /** The Update's message, if it is one of the message kinds; other updates (callback queries, ...) have none. */
  message: TelegramIncomingMessage | undefined;
  raw: TelegramUpdateBody;
}

export type ParsedTelegramUpdate = { success: true; data: TelegramUpdate } | { success: false; error: z.ZodError };

/** Reads an Update (already JSON-parsed). Unknown fields and update kinds are accepted, as Telegram adds them. */
export function parseTelegramUpdate(json: unknown): ParsedTelegramUpdate {
  const parsed = telegramUpdateSchema.safeParse(json);
  if (!parsed.success) return { success: false, error: parsed.error };
  const body = parsed.data;
  const kind = body.message ? "message" : body.edited_message ? "edited_message" : body.channel_post ? "channel_post" : undefined;
  const m = kind ? body[kind] : undefined;
  return {
    success: true,
    data: {
      updateId: body.update_id,
      message:
        kind && m
          ? { kind, chatId: m.chat.id, messageId: m.message_id, text: m.text ?? m.caption, fromId: m.from?.id }
          : undefined,
      raw: body,
    },
  };
}

export type TelegramSecretCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "mismatch" };

/**
 * Checks the `X-Telegram-Bot-Api-Secret-Token` header against the configured secret, in constant time.
 * The caller decides what an unconfigured secret means (the check is then skipped): `configured` must be set.
 */
export async function verifyTelegramSecret(headerValue: string | null | undefined, configured: string): Promise<TelegramSecretCheck> {
  if (!telegramSecretTokenSchema.safeParse(configured).success) throw new TypeError("the configured Telegram secret token is not a valid secret_token");
  if (headerValue === null || headerValue === undefined || headerValue === "") return { ok: false, reason: "missing" };
  if (!telegramSecretTokenSchema.safeParse(headerValue).success) return { ok: false, reason: "malformed" };
  return (await secretsEqual(headerValue, configured)) ? { ok: true } : { ok: false, reason: "mismatch" };
}
