/**
 * The receiving side of Twilio's messaging webhooks: the `X-Twilio-Signature` check
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security), the inbound message's fields, and the
 * TwiML answer.
 */
import { z } from "zod";
import { bytesEqual } from "./constant-time";

export const TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature";
export const TWIML_CONTENT_TYPE = "text/xml; charset=utf-8";

const encoder = new TextEncoder();

/** POST parameters as received: a form body, or an object (repeated names as arrays). */
export type TwilioParams = URLSearchParams | Readonly<Record<string, string | readonly string[]>>;

export type TwilioSignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "mismatch" };

function sortedPairs(params: TwilioParams): [string, string][] {
  const pairs: [string, string][] = [];
  if (params instanceof URLSearchParams) for (const [k, v] of params) pairs.push([k, v]);
  else for (const [k, v] of Object.entries(params)) for (const value of typeof v === "string" ? [v] : v) pairs.push([k, value]);
  // By name, then by value for repeated names, in UTF-16 code unit order (what Twilio's own libraries do).
  return pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
}

/** The string Twilio signs: the full URL, then every POST parameter's name and value, sorted by name. */
export function twilioSignedString(url: string, params: TwilioParams): string {
  let data = url;
  for (const [k, v] of sortedPairs(params)) data += k + v;
  return data;
}

/**
 * The URL as Twilio may have signed it: for https Twilio sometimes includes the default port and sometimes
 * not, so the URL is also tried with the port removed (when it has one) or the default port added.
 */
function urlVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf("@");
  const userinfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  const port = /:(\d*)$/.exec(hostPort);
  const host = port ? hostPort.slice(0, port.index) : hostPort;
  const other = port ? `${scheme}://${userinfo}${host}${rest}` : `${scheme}://${userinfo}${host}:${scheme.toLowerCase() === "https" ? 443 : 80}${rest}`;
  return [url, other];
}

async function hmacSha1(key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, encoder.encode(data)));
}

function base64Bytes(text: string): Uint8Array | undefined {
  // HMAC-SHA1 is 20 bytes: 28 base64 characters ending in one "=".
  if (!/^[A-Za-z0-9+/]{27}=$/.test(text)) return undefined;
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Checks `X-Twilio-Signature`: base64 HMAC-SHA1, keyed by the account's auth token, of `url` (exactly the
 * public URL Twilio called, query included) followed by each POST parameter's name and value sorted by name.
 * Compared in constant time.
 */
export async function validateTwilioSignature(authToken: string, url: string, params: TwilioParams, signatureHeader: string | null | undefined): Promise<TwilioSignatureCheck> {
  if (authToken === "") throw new TypeError("the Twilio auth token is empty");
  if (signatureHeader === null || signatureHeader === undefined || signatureHeader.trim() === "") return { ok: false, reason: "missing" };
  const given = base64Bytes(signatureHeader.trim());
  if (!given) return { ok: false, reason: "malformed" };
  let match = false;
  // Every variant is computed and compared, so the time taken does not say which one matched.
  for (const candidate of urlVariants(url)) {
    const expected = await hmacSha1(authToken, twilioSignedString(candidate, params));
    if (bytesEqual(expected, given)) match = true;
  }
  return match ? { ok: true } : { ok: false, reason: "mismatch" };
}

/** Characters XML 1.0 does not allow at all (escaping cannot carry them); Twilio would refuse the document. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .toWellFormed()
    .replace(XML_FORBIDDEN, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * A TwiML messaging answer: `<Response/>` (no reply), or one `<Message>` with the text, and with `<Media>`
 * elements when media URLs are given. Serve it as TWIML_CONTENT_TYPE.
 */
export function twiml(message?: string, opts: { mediaUrls?: readonly string[] } = {}): string {
  const head = '<?xml version="1.0" encoding="UTF-8"?>';
  const media = opts.mediaUrls ?? [];
  if (message === undefined && media.length === 0) return `${head}<Response/>`;
  if (media.length === 0) return `${head}<Response><Message>${xmlEscape(message ?? "")}</Message></Response>`;
  const body = message === undefined ? "" : `<Body>${xmlEscape(message)}</Body>`;
  return `${head}<Response><Message>${body}${media.map((u) => `<Media>${xmlEscape(u)}</Media>`).join("")}</Message></Response>`;
}

const inboundSchema = z.looseObject({
  From: z.string().min(1),
  To: z.string().optional(),
  Body: z.string().default(""),
  MessageSid: z.string().optional(),
  NumMedia: z.coerce.number().int().min(0).optional(),
  /** WhatsApp's display name of the sender. */
  ProfileName: z.string().optional(),
});

export interface TwilioInboundMessage {
  /** The sender as Twilio writes it (`whatsapp:+1…` for WhatsApp, or `+1…` in seed 003's JSON example). */
  from: string;
  to: string | undefined;
  body: string;
  messageSid: string | undefined;
  mediaUrls: string[];
  profileName: string | undefined;
}

/**
 * An inbound message from Twilio's form fields, or from seed 003's JSON example (`{"Body", "From"}`).
 * Media arrive as `MediaUrl0`…`MediaUrl{NumMedia-1}`.
 */
export function parseTwilioInbound(params: TwilioParams): { success: true; data: TwilioInboundMessage } | { success: false; error: z.ZodError } {
  const flat: Record<string, string> = {};
  if (params instanceof URLSearchParams) for (const [k, v] of params) flat[k] ??= v;
  else for (const [k, v] of Object.entries(params)) if (typeof v === "string") flat[k] = v;
  const parsed = inboundSchema.safeParse(flat);
  if (!parsed.success) return { success: false, error: parsed.error };
  const mediaUrls: string[] = [];
  for (let i = 0; i < (parsed.data.NumMedia ?? 0) && flat[`MediaUrl${i}`] !== undefined; i++) mediaUrls.push(flat[`MediaUrl${i}`]!);
  return {
    success: true,
    data: { from: parsed.data.From, to: parsed.data.To, body: parsed.data.Body, messageSid: parsed.data.MessageSid, mediaUrls, profileName: parsed.data.ProfileName },
  };
}
