/**
 * Twilio Messages API client for the Worker (https://www.twilio.com/docs/messaging/api/message-resource):
 * sends WhatsApp (or SMS) messages with text and media URLs, as the account configured in TwilioConfig
 * (HTTP basic auth, AccountSid:AuthToken). Uses only fetch, so it runs in workerd; the base URL is
 * configurable for tests.
 *
 * No call is retried here: errors are TwilioErrors that say whether a later attempt can help. The Messages
 * API has no idempotency key: a create whose answer was lost may have been sent, so callers that must not
 * send twice record what they sent.
 *
 * @example
 * const config = twilioConfigFromEnv(env);
 * if (config) {
 *   await createTwilioClient(config).sendMessage({ to: whatsappAddress(inbound.from), body: "Done", mediaUrls: [signedUrl] });
 * }
 */
import { z } from "zod";

export {
  parseTwilioInbound,
  TWILIO_SIGNATURE_HEADER,
  type TwilioInboundMessage,
  type TwilioParams,
  type TwilioSignatureCheck,
  twilioSignedString,
  twiml,
  TWIML_CONTENT_TYPE,
  validateTwilioSignature,
  xmlEscape,
} from "./twilio-webhook";

export const TWILIO_API_BASE_URL = "https://api.twilio.com";
/** Twilio's caps on one message: the body in characters, and media URLs. */
export const TWILIO_BODY_LIMIT = 1600;
export const TWILIO_MEDIA_LIMIT = 10;

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** Origin (and optional path prefix) that `/2010-04-01/Accounts/...` is appended to. */
  apiBaseUrl: string;
  /** The sender of WhatsApp replies, `whatsapp:+E164`; undefined when every call names its own `from`. */
  whatsappFrom: string | undefined;
}

/** The environment names the caller reads. */
export interface TwilioEnv {
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_BASE_URL?: string;
  TWILIO_WHATSAPP_FROM?: string;
}

export class TwilioConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TwilioConfigError";
  }
}

const accountSidSchema = z.string().regex(/^AC[0-9a-fA-F]{32}$/);
const httpUrl = z.url({ protocol: /^https?$/ });
const e164 = /^\+[1-9]\d{6,14}$/;
const trimmed = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** `+14155238886` or `whatsapp:+14155238886` → `whatsapp:+14155238886` (the Messages API's WhatsApp address). */
export function whatsappAddress(phone: string): string {
  const number = phone.trim().replace(/^whatsapp:/i, "");
  if (!e164.test(number)) throw new RangeError(`not an E.164 phone number: ${JSON.stringify(number.slice(0, 32))}`);
  return `whatsapp:${number}`;
}

/** Builds a TwilioConfig; errors name the setting at fault but never echo the auth token. */
export function twilioConfig(input: { accountSid: string; authToken: string; apiBaseUrl?: string; whatsappFrom?: string }): TwilioConfig {
  const accountSid = input.accountSid.trim();
  if (!accountSidSchema.safeParse(accountSid).success) throw new TwilioConfigError("TWILIO_ACCOUNT_SID is not an Account SID (AC followed by 32 hex digits)");
  const authToken = input.authToken.trim();
  if (authToken === "" || /[\s:]/.test(authToken)) throw new TwilioConfigError("TWILIO_AUTH_TOKEN is empty or has spaces or colons");
  const base = trimmed(input.apiBaseUrl);
  if (base !== undefined && !httpUrl.safeParse(base).success) throw new TwilioConfigError("TWILIO_API_BASE_URL is not an http(s) URL");
  const from = trimmed(input.whatsappFrom);
  let whatsappFrom: string | undefined;
  try {
    whatsappFrom = from === undefined ? undefined : whatsappAddress(from);
  } catch {
    throw new TwilioConfigError("TWILIO_WHATSAPP_FROM is not an E.164 number (+14155238886, optionally whatsapp:+14155238886)");
  }
  return { accountSid, authToken, apiBaseUrl: (base ?? TWILIO_API_BASE_URL).replace(/\/+$/, ""), whatsappFrom };
}

/**
 * Twilio's configuration from the environment: undefined when neither the SID nor the token is set (WhatsApp
 * replies are off), a TwilioConfigError when only one is, or one is unusable.
 */
export function twilioConfigFromEnv(env: TwilioEnv): TwilioConfig | undefined {
  const sid = trimmed(env.TWILIO_ACCOUNT_SID);
  const token = trimmed(env.TWILIO_AUTH_TOKEN);
  if (sid === undefined && token === undefined) return undefined;
  if (sid === undefined || token === undefined) throw new TwilioConfigError("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are set together");
  return twilioConfig({ accountSid: sid, authToken: token, apiBaseUrl: env.TWILIO_API_BASE_URL, whatsappFrom: env.TWILIO_WHATSAPP_FROM });
}

export type TwilioOperation = "messages.create";

export class TwilioError extends Error {
  readonly operation: TwilioOperation;
  /** HTTP status of Twilio's answer; 0 when none arrived (network failure, abort). */
  readonly status: number;
  /** Twilio's error code (e.g. 21211 invalid To, 20003 authentication, 20429 too many requests), when given. */
  readonly code: number | undefined;
  readonly moreInfo: string | undefined;
  /** Seconds from a Retry-After header, when Twilio sent one. */
  readonly retryAfterSeconds: number | undefined;
  /** Our own classification when no answer says it: `network`, `aborted`, `unexpected_answer`. */
  readonly reason: string | undefined;
  readonly retryable: boolean;

  constructor(
    operation: TwilioOperation,
    status: number,
    message: string,
    opts: { code?: number; moreInfo?: string; retryAfterSeconds?: number; reason?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(`Twilio ${operation}: ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "TwilioError";
    this.operation = operation;
    this.status = status;
    this.code = opts.code;
    this.moreInfo = opts.moreInfo;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.reason = opts.reason;
    this.retryable = opts.retryable ?? isRetryableStatus(status);
  }
}

/** 429 and 5xx are transient; 0 is a network failure. 400 (bad number, body), 401, 403, 404 need a change first. */
export const isRetryableStatus = (status: number) => status === 0 || status === 429 || status >= 500;

const errorBodySchema = z.object({ code: z.number().int(), message: z.string(), more_info: z.string().optional(), status: z.number().optional() });

const messageSchema = z.looseObject({
  sid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/),
  status: z.string(),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string().nullable().optional(),
  num_media: z.string().optional(),
  error_code: z.number().nullable().optional(),
  error_message: z.string().nullable().optional(),
});
/** The created message as Twilio answers it (only the fields read here are checked; the rest pass through). */
export type TwilioMessage = z.infer<typeof messageSchema>;

export interface SendTwilioMessageInput {
  /** `whatsapp:+E164` for WhatsApp (see whatsappAddress), `+E164` for SMS. */
  to: string;
  /** Default: the configured WhatsApp sender. */
  from?: string;
  body?: string;
  /** Public URLs Twilio downloads (≤ 10; WhatsApp takes one, ≤ 16 MB). */
  mediaUrls?: readonly string[];
  statusCallback?: string;
  signal?: AbortSignal;
}

export interface TwilioClient {
  sendMessage(input: SendTwilioMessageInput): Promise<TwilioMessage>;
}

export function createTwilioClient(config: Pick<TwilioConfig, "accountSid" | "authToken"> & Partial<Omit<TwilioConfig, "accountSid" | "authToken">>): TwilioClient {
  const base = (config.apiBaseUrl ?? TWILIO_API_BASE_URL).replace(/\/+$/, "");
  const messagesUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;

  async function sendMessage(input: SendTwilioMessageInput): Promise<TwilioMessage> {
    const operation = "messages.create";
    const from = input.from ?? config.whatsappFrom;
    if (from === undefined) throw new TypeError("no sender: pass `from` or configure TWILIO_WHATSAPP_FROM");
    const form = new URLSearchParams({ To: input.to, From: from });
    if (input.body !== undefined) form.set("Body", input.body);
    for (const url of input.mediaUrls ?? []) form.append("MediaUrl", url);
    if (input.statusCallback !== undefined) form.set("StatusCallback", input.statusCallback);
    let res: Response;
    try {
      res = await fetch(messagesUrl, {
        method: "POST",
        headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form,
        signal: input.signal,
      });
    } catch (cause) {
      const aborted = input.signal?.aborted ?? false;
      throw new TwilioError(operation, 0, aborted ? "aborted" : cause instanceof Error ? cause.message : String(cause), { reason: aborted ? "aborted" : "network", retryable: !aborted });
    }
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok) {
      const message = messageSchema.safeParse(body);
      if (message.success) return message.data;
      // A 2xx means Twilio accepted the message: retrying would send it twice.
      throw new TwilioError(operation, res.status, "accepted without a message resource", { reason: "unexpected_answer", retryable: false });
    }
    const retryAfter = Number(res.headers.get("Retry-After"));
    const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
    const error = errorBodySchema.safeParse(body);
    if (error.success) {
      throw new TwilioError(operation, res.status, `${error.data.message} (${error.data.code})`, { code: error.data.code, moreInfo: error.data.more_info, retryAfterSeconds });
    }
    throw new TwilioError(operation, res.status, `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`, { retryAfterSeconds });
  }

  return { sendMessage };
}
