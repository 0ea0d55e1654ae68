/**
 * The Twilio Messages API client inside workerd against the fake Twilio (a Node server started by the worker
 * project's globalSetup), and the webhook side: signature vectors, inbound fields, TwiML.
 */
import { createHmac } from "node:crypto";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toHex } from "../../../worker/lib/crypto";
import {
  createTwilioClient,
  parseTwilioInbound,
  twilioConfigFromEnv,
  TwilioConfigError,
  TwilioError,
  twiml,
  validateTwilioSignature,
  whatsappAddress,
} from "../../../worker/integrations/twilio";
import { newFakeTwilioAccount } from "./fake-twilio";

const sha256 = async (bytes: Uint8Array) => toHex(await crypto.subtle.digest("SHA-256", bytes));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("configuration", () => {
  const sid = `AC${"0123456789abcdef".repeat(2)}`;

  it("should be off when neither SID nor token is set, and default to api.twilio.com", () => {
    expect(twilioConfigFromEnv({})).toBeUndefined();
    expect(twilioConfigFromEnv({ TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: "tok", TWILIO_WHATSAPP_FROM: "+14155238886" })).toEqual({
      accountSid: sid,
      authToken: "tok",
      apiBaseUrl: "https://api.twilio.com",
      whatsappFrom: "whatsapp:+14155238886",
    });
  });

  it("should refuse a half or unusable configuration without echoing the token", () => {
    const token = "f00dfeedf00dfeedf00dfeedf00dfeed";
    for (const env of [
      { TWILIO_ACCOUNT_SID: sid },
      { TWILIO_AUTH_TOKEN: token },
      { TWILIO_ACCOUNT_SID: "AC123", TWILIO_AUTH_TOKEN: token },
      { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_API_BASE_URL: "file:///etc" },
      { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, TWILIO_WHATSAPP_FROM: "0034 600" },
    ]) {
      let error: unknown;
      try {
        twilioConfigFromEnv(env);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(TwilioConfigError);
      expect(String(error)).not.toContain(token);
    }
  });

  it("should write WhatsApp addresses the way the Messages API wants them", () => {
    expect(whatsappAddress("+1234567890")).toBe("whatsapp:+1234567890");
    expect(whatsappAddress("whatsapp:+34600111222")).toBe("whatsapp:+34600111222");
    expect(() => whatsappAddress("1234567890")).toThrow(RangeError);
  });
});

describe("sendMessage", () => {
  it("should deliver the text from the configured WhatsApp sender to the user", async () => {
    const account = await newFakeTwilioAccount();
    const body = "Tu video está listo 🎬 & <editado>";
    const message = await createTwilioClient(account.config()).sendMessage({ to: whatsappAddress("+1234567890"), body });
    const state = await account.state();
    expect(state.messages).toEqual([expect.objectContaining({ sid: message.sid, to: "whatsapp:+1234567890", from: account.whatsappFrom, body, mediaUrls: [], status: "queued" })]);
    expect(message).toMatchObject({ status: "queued", to: "whatsapp:+1234567890", from: account.whatsappFrom, body });
    expect(state.requests).toEqual([expect.objectContaining({ method: "POST", path: "/Messages.json", authorized: true, status: 201 })]);
  });

  it("should send media that Twilio downloads intact from the URL", async () => {
    const account = await newFakeTwilioAccount();
    const bytes = new Uint8Array(600_000);
    for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const key = `test/twilio/${crypto.randomUUID()}`;
    await env.MEDIA.put(key, bytes);
    const object = (await env.MEDIA.get(key))!;
    const url = await account.hostFile(`${crypto.randomUUID()}.mp4`, object.body);
    const message = await createTwilioClient(account.config()).sendMessage({ to: "whatsapp:+1234567890", body: "Listo", mediaUrls: [url] });
    const [sent] = (await account.state()).messages;
    expect(message.sid).toMatch(/^MM/);
    expect(message.num_media).toBe("1");
    expect(sent).toMatchObject({ mediaUrls: [url], status: "queued", media: [{ url, status: 200, size: bytes.byteLength, sha256: await sha256(bytes), contentType: "video/mp4" }] });
  });

  it("should type a wrong auth token as a non-retryable 20003", async () => {
    const account = await newFakeTwilioAccount();
    const error = await rejection(createTwilioClient(account.config({ authToken: "0".repeat(32) })).sendMessage({ to: "whatsapp:+1234567890", body: "x" }));
    expect(error).toBeInstanceOf(TwilioError);
    expect(error).toMatchObject({ status: 401, code: 20003, retryable: false, moreInfo: "https://www.twilio.com/docs/errors/20003" });
    expect((await account.state()).messages).toEqual([]);
  });

  it.each([
    { to: "whatsapp:12", body: "x", code: 21211 },
    { to: "+1234567890", body: "x", code: 21910 },
    { to: "whatsapp:+1234567890", body: "", code: 21619 },
    { to: "whatsapp:+1234567890", body: "x".repeat(1601), code: 21617 },
  ])("should type Twilio's refusal $code as non-retryable", async ({ to, body, code }) => {
    const account = await newFakeTwilioAccount();
    const error = await rejection(createTwilioClient(account.config()).sendMessage({ to, body }));
    expect(error).toMatchObject({ name: "TwilioError", status: 400, code, retryable: false });
  });

  it("should refuse a sender that is not the account's", async () => {
    const account = await newFakeTwilioAccount();
    const error = await rejection(createTwilioClient(account.config()).sendMessage({ to: "whatsapp:+1234567890", from: "whatsapp:+15550001111", body: "x" }));
    expect(error).toMatchObject({ status: 400, code: 63007, retryable: false });
  });

  it.each([
    { fault: { status: 429, retryAfter: 12 }, status: 429, code: 20429, retryAfterSeconds: 12 },
    { fault: { status: 503 }, status: 503, code: 20500, retryAfterSeconds: undefined },
    { fault: { status: 502, html: true }, status: 502, code: undefined, retryAfterSeconds: undefined },
  ])("should type a $status answer as retryable", async ({ fault, status, code, retryAfterSeconds }) => {
    const account = await newFakeTwilioAccount();
    await account.fault(fault);
    const client = createTwilioClient(account.config());
    const error = await rejection(client.sendMessage({ to: "whatsapp:+1234567890", body: "x" }));
    expect(error).toMatchObject({ name: "TwilioError", status, code, retryAfterSeconds, retryable: true });
    await client.sendMessage({ to: "whatsapp:+1234567890", body: "x" });
    expect((await account.state()).messages).toHaveLength(1);
  });

  it("should type a dropped connection as a retryable network failure", async () => {
    const account = await newFakeTwilioAccount();
    await account.fault({ status: 0, drop: true });
    const error = await rejection(createTwilioClient(account.config()).sendMessage({ to: "whatsapp:+1234567890", body: "x" }));
    expect(error).toMatchObject({ status: 0, reason: "network", retryable: true });
  });
});

describe("validateTwilioSignature", () => {
  // Twilio's documented example (its security docs and api-snippets `signature_validation` 2.x/3.x).
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const documented = (caller: string) => ({ CallSid: "CA1234567890ABCDE", Caller: caller, Digits: "1234", From: caller, To: "+18005551212" });

  it("should accept Twilio's documented example vectors", async () => {
    expect(await validateTwilioSignature("12345", url, documented("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toEqual({ ok: true });
    expect(await validateTwilioSignature("12345", url, documented("+14158675310"), "GvWf1cFY/Q7PnoempGyD5oXAezc=")).toEqual({ ok: true });
  });

  it("should refuse any change to the URL, a parameter, the token or the signature", async () => {
    const params = documented("+14158675309");
    const good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    expect(await validateTwilioSignature("12345", url, { ...params, Digits: "1235" }, good)).toEqual({ ok: false, reason: "mismatch" });
    expect(await validateTwilioSignature("12345", url, { ...params, Extra: "" }, good)).toEqual({ ok: false, reason: "mismatch" });
    expect(await validateTwilioSignature("12345", url.replace("foo=1", "foo=2"), params, good)).toEqual({ ok: false, reason: "mismatch" });
    expect(await validateTwilioSignature("12346", url, params, good)).toEqual({ ok: false, reason: "mismatch" });
    expect(await validateTwilioSignature("12345", url, params, "GvWf1cFY/Q7PnoempGyD5oXAezc=")).toEqual({ ok: false, reason: "mismatch" });
  });

  it("should name missing and malformed headers", async () => {
    for (const header of [undefined, null, "", "  "]) expect(await validateTwilioSignature("t", url, {}, header)).toEqual({ ok: false, reason: "missing" });
    for (const header of ["not base64!", "RSOYDt4T1cUTdK1PDd93/VVr8B8", "RSOYDt4T1cUTdK1PDd93/VVr8B8=A", btoa("x".repeat(32))]) {
      expect(await validateTwilioSignature("t", url, {}, header), header).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("should match what the fake Twilio signs for a WhatsApp form, from a URLSearchParams body", async () => {
    const account = await newFakeTwilioAccount();
    const hook = "https://platform.example/webhook/whatsapp?source=twilio";
    const form = {
      SmsMessageSid: "SM0123",
      NumMedia: "0",
      ProfileName: "Ana ñandú",
      Body: "https://www.tiktok.com/@user/video/123",
      From: "whatsapp:+1234567890",
      To: account.whatsappFrom,
      WaId: "1234567890",
      MessageSid: "SM0123",
      AccountSid: account.accountSid,
      ApiVersion: "2010-04-01",
    };
    const signature = await account.sign(hook, form);
    expect(await validateTwilioSignature(account.authToken, hook, new URLSearchParams(form), signature)).toEqual({ ok: true });
    expect(await validateTwilioSignature(account.authToken, hook, new URLSearchParams({ ...form, Body: "other" }), signature)).toEqual({ ok: false, reason: "mismatch" });
  });

  it("should sort repeated names by value, as Twilio's libraries do", async () => {
    const token = "repeat-token";
    const hook = "https://platform.example/hook";
    // Expected value computed with node:crypto from the documented algorithm, not with the code under test.
    const expected = createHmac("sha1", token).update(`${hook}Aa1MediaUrlaMediaUrlbZ2`).digest("base64");
    const form = new URLSearchParams([["Z", "2"], ["MediaUrl", "b"], ["A", "a1"], ["MediaUrl", "a"]]);
    expect(await validateTwilioSignature(token, hook, form, expected)).toEqual({ ok: true });
    expect(await validateTwilioSignature(token, hook, { Z: "2", MediaUrl: ["b", "a"], A: "a1" }, expected)).toEqual({ ok: true });
  });

  it("should accept a signature made with or without the https default port", async () => {
    const token = "port-token";
    const sign = (u: string) => createHmac("sha1", token).update(`${u}Bodyhi`).digest("base64");
    expect(await validateTwilioSignature(token, "https://platform.example/hook", { Body: "hi" }, sign("https://platform.example:443/hook"))).toEqual({ ok: true });
    expect(await validateTwilioSignature(token, "https://platform.example:443/hook", { Body: "hi" }, sign("https://platform.example/hook"))).toEqual({ ok: true });
    expect(await validateTwilioSignature(token, "https://platform.example/hook", { Body: "hi" }, sign("https://platform.example:8443/hook"))).toEqual({ ok: false, reason: "mismatch" });
  });

  it("should decide through the runtime's constant-time comparison", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual").mockReturnValue(false);
    expect(await validateTwilioSignature("12345", url, documented("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).toEqual({ ok: false, reason: "mismatch" });
    // Both URL variants (as given, and with :443) are compared, whichever matches.
    expect(compare).toHaveBeenCalledTimes(2);
  });
});

describe("parseTwilioInbound", () => {
  it("should read Twilio's WhatsApp form with its media", () => {
    const form = new URLSearchParams({ From: "whatsapp:+1234567890", To: "whatsapp:+14155238886", Body: "mira", MessageSid: "MM1", NumMedia: "2", MediaUrl0: "https://api.twilio.com/m/0", MediaUrl1: "https://api.twilio.com/m/1", ProfileName: "Ana" });
    const parsed = parseTwilioInbound(form);
    expect(parsed.success && parsed.data).toEqual({ from: "whatsapp:+1234567890", to: "whatsapp:+14155238886", body: "mira", messageSid: "MM1", mediaUrls: ["https://api.twilio.com/m/0", "https://api.twilio.com/m/1"], profileName: "Ana" });
  });

  it("should read seed 003's documented JSON body and refuse one without a sender", () => {
    const parsed = parseTwilioInbound({ Body: "https://www.tiktok.com/@user/video/123", From: "+1234567890" });
    expect(parsed.success && parsed.data).toMatchObject({ from: "+1234567890", body: "https://www.tiktok.com/@user/video/123", mediaUrls: [] });
    expect(parseTwilioInbound({ Body: "x" }).success).toBe(false);
  });
});

describe("twiml", () => {
  it("should answer an empty Response, or one escaped Message", () => {
    expect(twiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twiml(`Tom & "Jerry" <b>'hi'</b>`)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; &quot;Jerry&quot; &lt;b&gt;&apos;hi&apos;&lt;/b&gt;</Message></Response>',
    );
  });

  it("should drop characters XML cannot carry and keep the rest of the text", () => {
    expect(twiml("a\u0000b\u0008c\td\ne\u001Ff\uD800g 😀")).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Message>abc\td\nef\uFFFDg 😀</Message></Response>');
  });

  it("should carry media as Media elements beside the Body", () => {
    expect(twiml("Listo", { mediaUrls: ["https://x.example/a.mp4?sig=1&exp=2"] })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Listo</Body><Media>https://x.example/a.mp4?sig=1&amp;exp=2</Media></Message></Response>',
    );
  });
});
