/**
 * Seed 003's provider webhooks. Their bodies are documented as plain OpenAPI schema objects, not zod: a
 * zod body would install a validator that parses the body before the handler, and the signatures cover
 * the raw bytes, which the handler must read untouched (see worker/media/upload-route.ts for the same rule).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, studioErrors } from "../../../lib/error-format";
import { json } from "../../../lib/openapi";
import { STUDIO_TAGS } from "../routes";

const TAGS = [...STUDIO_TAGS, "Studio webhooks"];
const RATE = { 429: "Over STUDIO_WEBHOOK_RATE_PER_MINUTE / STUDIO_WEBHOOK_RATE_BURST per sending address (600 / 300 by default; /webhook/health: the studio's 100 per hour)" };

const tiktokBody = {
  type: "object" as const,
  required: ["url"],
  properties: {
    url: { type: "string" as const, minLength: 1, maxLength: 2048, description: "The TikTok video to process" },
    event_id: { type: "string" as const, minLength: 1, maxLength: 200, description: "The sender's id of this event: repeated deliveries with it are one" },
  },
};

const telegramBody = {
  type: "object" as const,
  description: "A Telegram Update (https://core.telegram.org/bots/api#update); seed 003's example has only `message.text` and `message.chat.id`.",
  properties: {
    update_id: { type: "integer" as const },
    message: {
      type: "object" as const,
      required: ["chat"],
      properties: {
        message_id: { type: "integer" as const },
        text: { type: "string" as const },
        chat: { type: "object" as const, required: ["id"], properties: { id: { type: "integer" as const } } },
      },
    },
  },
};

const whatsappFields = {
  type: "object" as const,
  required: ["From"],
  properties: {
    Body: { type: "string" as const, description: "The message text; its first TikTok link is processed" },
    From: { type: "string" as const, description: "The sender: `whatsapp:+E164` (Twilio) or `+E164` (the document's example)" },
    To: { type: "string" as const },
    MessageSid: { type: "string" as const, description: "Twilio's message id: repeated deliveries with it are one" },
  },
};

export const TikTokAccepted = z
  .object({
    success: z.literal(true),
    task_id: z.string().openapi({ description: "The studio.process task (its state: GET /api/v1/queue/jobs/{id})" }),
    duplicate: z.boolean().openapi({ description: "True when an earlier delivery of the same event queued the task" }),
  })
  .openapi("StudioWebhookAccepted");

export const TelegramAnswer = z
  .object({
    ok: z.literal(true),
    task_id: z.string().nullable().openapi({ description: "The queued task; null when the update named no TikTok video" }),
    duplicate: z.boolean(),
  })
  .openapi("StudioTelegramWebhookAnswer");

export const WebhookHealth = z
  .object({
    status: z.literal("healthy"),
    timestamp: z.string().openapi({ description: "ISO 8601, UTC" }),
    webhooks: z.object({
      tiktok: z.enum(["signed", "unsigned", "refused"]).openapi({
        description: "`signed`: WEBHOOK_SECRET is set; `unsigned`: not set, deliveries accepted (outside production); `refused`: not set in production",
      }),
      telegram: z.boolean().openapi({ description: "TELEGRAM_BOT_TOKEN is set: replies are sent" }),
      whatsapp: z.boolean().openapi({ description: "Twilio is configured: signatures are checked and results sent" }),
    }),
  })
  .openapi("StudioWebhookHealth");

export const tiktok = createRoute({
  method: "post",
  path: "/webhook/tiktok",
  tags: TAGS,
  summary: "TikTok webhook: queue a video for processing",
  description: [
    "With WEBHOOK_SECRET set, the raw body must be signed: `X-Signature: <hex HMAC-SHA256 of the body>` (the document's",
    "scheme) or TikTok's `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of \"t.body\">` (at most 5 minutes old).",
    "Without it, unsigned deliveries are accepted except in production (APP_ENV=production), which answers 503.",
    "A delivery is identified by `event_id`, else by the SHA-256 of its body: a repeated one queues nothing",
    "(200, `duplicate: true`, the first delivery's task). The answer never waits for the processing.",
  ].join(" "),
  request: { body: { required: true, content: { "application/json": { schema: tiktokBody } } } },
  responses: {
    202: json(TikTokAccepted, "Queued"),
    200: json(TikTokAccepted, "A repeated delivery: already queued"),
    ...errorResponses(studioErrors, {
      400: "The body is not JSON or has no `url`",
      401: "WEBHOOK_SECRET is set and no signature header was sent",
      403: "The signature does not match the body, is malformed, or is outside the timestamp tolerance",
      413: "The body exceeds MAX_BODY_BYTES",
      503: "Production without WEBHOOK_SECRET: unsigned deliveries are refused",
      ...RATE,
    }),
  },
});

export const telegram = createRoute({
  method: "post",
  path: "/webhook/telegram",
  tags: TAGS,
  summary: "Telegram bot webhook",
  description: [
    "Checks `X-Telegram-Bot-Api-Secret-Token` when TELEGRAM_WEBHOOK_SECRET is set. The first TikTok link in the message's",
    "text (or caption) is queued for processing and the chat gets a \"processing\" reply at once, then the edited video",
    "(or a failure message) when the task ends; a message without a link gets a short help reply. Updates are deduplicated",
    "by `update_id` (by chat, message id and text when it is absent): Telegram's retries send nothing twice. Answers 200",
    "for every update it accepts, including ones it ignores, so Telegram does not retry them. Replies need TELEGRAM_BOT_TOKEN.",
  ].join(" "),
  request: { body: { required: true, content: { "application/json": { schema: telegramBody } } } },
  responses: {
    200: json(TelegramAnswer, "Accepted (queued, answered with help, or ignored)"),
    ...errorResponses(studioErrors, {
      400: "The body is not a JSON Telegram Update",
      403: "TELEGRAM_WEBHOOK_SECRET is set and the secret token header is missing or wrong",
      413: "The body exceeds MAX_BODY_BYTES",
      ...RATE,
    }),
  },
});

export const whatsapp = createRoute({
  method: "post",
  path: "/webhook/whatsapp",
  tags: TAGS,
  summary: "WhatsApp webhook (Twilio)",
  description: [
    "Twilio's form fields (`Body`, `From`, `MessageSid`), or the document's JSON body. When TWILIO_ACCOUNT_SID and",
    "TWILIO_AUTH_TOKEN are set, `X-Twilio-Signature` must be valid for PUBLIC_BASE_URL + `/webhook/whatsapp` (with the",
    "query string): the URL configured at Twilio must be exactly that. The answer is TwiML: a \"processing\" message (or",
    "help when the message has no TikTok link), sent once per message (`MessageSid`, else sender and text); the edited",
    "video follows through the Messages API as a signed link valid for 24 hours.",
  ].join(" "),
  request: {
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: whatsappFields }, "application/json": { schema: whatsappFields } },
    },
  },
  responses: {
    200: { description: "TwiML: the immediate reply (an empty `<Response/>` for a repeated delivery)", content: { "text/xml": { schema: z.string() } } },
    ...errorResponses(studioErrors, {
      400: "No `From`, or a body that is neither a form nor JSON",
      403: "Twilio is configured and X-Twilio-Signature is missing or does not match",
      413: "The body exceeds MAX_BODY_BYTES",
      ...RATE,
    }),
  },
});

export const health = createRoute({
  method: "get",
  path: "/webhook/health",
  tags: TAGS,
  summary: "Webhook health",
  description: "Public. Which providers are configured (never their secrets).",
  responses: { 200: json(WebhookHealth, "Healthy"), ...errorResponses(studioErrors, RATE) },
});

export type TikTokRoute = typeof tiktok;
export type TelegramRoute = typeof telegram;
export type WhatsAppRoute = typeof whatsapp;
export type HealthRoute = typeof health;
