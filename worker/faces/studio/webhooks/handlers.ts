/**
 * Seed 003's webhook handlers: authenticate the delivery by its provider's signature over the bytes as
 * received, record it, queue its task, answer at once. Replies to the chat go out after the response
 * (waitUntil) or when the task ends (replies.ts).
 */
import { z } from "zod";
import { getConfig } from "../../../env";
import { parseTelegramUpdate, TELEGRAM_SECRET_HEADER, telegramConfigFromEnv, verifyTelegramSecret } from "../../../integrations/telegram";
import { parseTwilioInbound, TWILIO_SIGNATURE_HEADER, TWIML_CONTENT_TYPE, twiml, twilioConfigFromEnv, validateTwilioSignature } from "../../../integrations/twilio";
import type { AppRouteHandler } from "../../../lib/app-context";
import { sha256Hex } from "../../../lib/crypto";
import { AppError } from "../../../lib/errors";
import { SIGNATURE_HEADER, TIKTOK_SIGNATURE_HEADER, verifyHexHmacSha256, verifyTikTokSignature } from "../../../lib/webhook-signatures";
import { claimAck, digestKey } from "./deliveries";
import { queueDelivery, recordUnqueued } from "./intake";
import { sendTelegramAck } from "./replies";
import type { HealthRoute, TelegramRoute, TikTokRoute, WhatsAppRoute } from "./routes";
import { TEXT } from "./texts";
import { firstTikTokUrl } from "./tiktok-link";

const tiktokBodySchema = z.looseObject({
  url: z.string().trim().min(1).max(2048),
  event_id: z.string().min(1).max(200).optional(),
});

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError(400, "The body must be JSON", "webhook.not_json");
  }
}

const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** `signed`, or what an unsigned delivery meets: accepted as the document's handler does, refused in production. */
function tiktokMode(env: Env): "signed" | "unsigned" | "refused" {
  const config = getConfig(env);
  if (config.WEBHOOK_SECRET) return "signed";
  return config.APP_ENV === "production" ? "refused" : "unsigned";
}

async function requireTikTokSignature(secret: string, raw: Uint8Array, header: (name: string) => string | undefined): Promise<void> {
  const tiktokHeader = header(TIKTOK_SIGNATURE_HEADER);
  const check =
    tiktokHeader !== undefined
      ? await verifyTikTokSignature(secret, raw, tiktokHeader, Date.now())
      : await verifyHexHmacSha256(secret, raw, header(SIGNATURE_HEADER));
  if (check.ok) return;
  if (check.reason === "missing") throw new AppError(401, "Missing signature", "webhook.signature_missing");
  throw new AppError(403, `Invalid signature (${check.reason})`, `webhook.signature_${check.reason}`);
}

export const tiktok: AppRouteHandler<TikTokRoute> = async (c) => {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const mode = tiktokMode(c.env);
  if (mode === "refused") throw new AppError(503, "WEBHOOK_SECRET is not configured: unsigned deliveries are refused", "webhook.unconfigured");
  if (mode === "signed") await requireTikTokSignature(getConfig(c.env).WEBHOOK_SECRET!, raw, (name) => c.req.header(name));
  const body = tiktokBodySchema.safeParse(parseJson(new TextDecoder().decode(raw)));
  if (!body.success) throw new AppError(400, "The body needs `url`, a TikTok video URL", "webhook.no_url");
  const url = firstTikTokUrl(body.data.url);
  if (url !== body.data.url) throw new AppError(400, "`url` must be a TikTok video URL", "webhook.not_tiktok");
  const deliveryKey = body.data.event_id !== undefined ? `event:${body.data.event_id}` : `body:${await sha256Hex(raw)}`;
  const queued = await queueDelivery(c.env, { source: "tiktok", deliveryKey, url, replyTo: null }, (p) => c.executionCtx.waitUntil(p));
  const answer = { success: true as const, task_id: queued.taskId, duplicate: queued.duplicate };
  return queued.duplicate ? c.json(answer, 200) : c.json(answer, 202);
};

export const telegram: AppRouteHandler<TelegramRoute> = async (c) => {
  const secret = trimmed(c.env.TELEGRAM_WEBHOOK_SECRET);
  if (secret !== undefined) {
    const check = await verifyTelegramSecret(c.req.header(TELEGRAM_SECRET_HEADER), secret);
    if (!check.ok) throw new AppError(403, `Invalid secret token (${check.reason})`, `webhook.secret_${check.reason}`);
  }
  const update = parseTelegramUpdate(parseJson(await c.req.text()));
  if (!update.success) throw new AppError(400, "The body is not a Telegram Update", "webhook.not_update");
  const message = update.data.message;
  if (!message) return c.json({ ok: true as const, task_id: null, duplicate: false }, 200);

  const deliveryKey =
    update.data.updateId !== undefined
      ? `update:${update.data.updateId}`
      : message.messageId !== undefined
        ? `message:${message.chatId}:${message.messageId}`
        : await digestKey("text", message.chatId, message.text ?? "");
  const replyTo = String(message.chatId);
  const waitUntil = (p: Promise<unknown>) => c.executionCtx.waitUntil(p);
  const url = firstTikTokUrl(message.text);
  if (url === undefined) {
    const recorded = await recordUnqueued(c.env, { source: "telegram", deliveryKey, replyTo }, waitUntil);
    waitUntil(sendTelegramAck(c.env, recorded.row, TEXT.help, message.messageId));
    return c.json({ ok: true as const, task_id: null, duplicate: recorded.duplicate }, 200);
  }
  const queued = await queueDelivery(c.env, { source: "telegram", deliveryKey, url, replyTo }, waitUntil);
  // Also on a repeated delivery: the claim makes it a no-op unless the first one never got to send.
  waitUntil(sendTelegramAck(c.env, queued.row, TEXT.processing, message.messageId));
  return c.json({ ok: true as const, task_id: queued.taskId, duplicate: queued.duplicate }, 200);
};

/** Form fields, or the document's JSON body (string fields only, as Twilio's parameters are). */
function whatsappParams(raw: string, contentType: string | undefined): { params: URLSearchParams | Record<string, string>; json: boolean } {
  if (!/\bjson\b/i.test(contentType ?? "")) return { params: new URLSearchParams(raw), json: false };
  const value = parseJson(raw);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new AppError(400, "The JSON body must be an object", "webhook.not_object");
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === "string") params[k] = v;
  return { params, json: true };
}

/**
 * Twilio signs the URL it was configured to call, which behind Cloudflare's edge is the public one, not the
 * request's own: PUBLIC_BASE_URL plus the path, with the query string as received. A JSON body is signed
 * through its SHA-256 in the `bodySHA256` query parameter (Twilio's rule for non-form bodies), with no
 * parameters of its own.
 */
async function requireTwilioSignature(
  authToken: string,
  env: Env,
  requestUrl: string,
  raw: string,
  body: ReturnType<typeof whatsappParams>,
  header: string | undefined,
): Promise<void> {
  const { search, searchParams } = new URL(requestUrl);
  const signedUrl = `${getConfig(env).PUBLIC_BASE_URL.replace(/\/+$/, "")}/webhook/whatsapp${search}`;
  if (body.json && searchParams.get("bodySHA256") !== (await sha256Hex(raw))) {
    throw new AppError(403, "Invalid signature (bodySHA256 does not match the body)", "webhook.signature_mismatch");
  }
  const check = await validateTwilioSignature(authToken, signedUrl, body.json ? {} : body.params, header);
  if (!check.ok) throw new AppError(403, `Invalid X-Twilio-Signature (${check.reason})`, `webhook.signature_${check.reason}`);
}

export const whatsapp: AppRouteHandler<WhatsAppRoute> = async (c) => {
  const raw = await c.req.text();
  const body = whatsappParams(raw, c.req.header("Content-Type"));
  const twilio = twilioConfigFromEnv(c.env);
  if (twilio) await requireTwilioSignature(twilio.authToken, c.env, c.req.url, raw, body, c.req.header(TWILIO_SIGNATURE_HEADER));
  const inbound = parseTwilioInbound(body.params);
  if (!inbound.success) throw new AppError(400, "The message needs `From`", "webhook.no_sender");
  const { from, messageSid, body: text } = inbound.data;
  const deliveryKey = messageSid !== undefined ? `sid:${messageSid}` : await digestKey("text", from, text);
  const url = firstTikTokUrl(text);
  let reply: string | undefined;
  if (url === undefined) {
    const recorded = await recordUnqueued(c.env, { source: "whatsapp", deliveryKey, replyTo: from }, (p) => c.executionCtx.waitUntil(p));
    if (await claimAck(c.env, recorded.row)) reply = TEXT.help;
  } else {
    const queued = await queueDelivery(c.env, { source: "whatsapp", deliveryKey, url, replyTo: from }, (p) => c.executionCtx.waitUntil(p));
    if (await claimAck(c.env, queued.row)) reply = TEXT.processing;
  }
  return c.body(twiml(reply), 200, { "Content-Type": TWIML_CONTENT_TYPE });
};

function configured(read: () => unknown): boolean {
  try {
    return read() !== undefined;
  } catch {
    return false;
  }
}

export const health: AppRouteHandler<HealthRoute> = (c) =>
  c.json(
    {
      status: "healthy" as const,
      timestamp: new Date().toISOString(),
      webhooks: {
        tiktok: tiktokMode(c.env),
        telegram: configured(() => telegramConfigFromEnv(c.env)),
        whatsapp: configured(() => twilioConfigFromEnv(c.env)),
      },
    },
    200,
  );
