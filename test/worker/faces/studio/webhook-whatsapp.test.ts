/**
 * POST /webhook/whatsapp against the fake Twilio: X-Twilio-Signature over the public URL, the TwiML answer
 * (once per message), and the result through the Messages API with the right To, From and a signed MediaUrl
 * that serves the stored video — once, however often the end hook runs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { onProcessEnded } from "../../../../worker/faces/studio/webhooks/replies";
import { TEXT } from "../../../../worker/faces/studio/webhooks/texts";
import { twiml } from "../../../../worker/integrations/twilio";
import { sha256Hex } from "../../../../worker/lib/crypto";
import { getTask } from "../../../../worker/tasks/engine";
import { newFakeTwilioAccount, type FakeTwilioAccount } from "../../integrations/fake-twilio";
import { patternBytes } from "../../support/files";
import { endTask, send, storeEditedVideo } from "./webhook-support";

/** What Twilio is configured to call: PUBLIC_BASE_URL (vitest.config.ts) plus the path. */
const PUBLIC_URL = "http://127.0.0.1:8787/webhook/whatsapp";
const SENDER = "whatsapp:+34600111222";
const videoUrl = () => `https://www.tiktok.com/@wa/video/${7_300_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12))}`;
const sid = () => `SM${crypto.randomUUID().replaceAll("-", "")}`;

function twilioEnv(account: FakeTwilioAccount): Env {
  return {
    ...env,
    TWILIO_ACCOUNT_SID: account.accountSid,
    TWILIO_AUTH_TOKEN: account.authToken,
    TWILIO_API_BASE_URL: account.apiBaseUrl,
    TWILIO_WHATSAPP_FROM: account.whatsappFrom,
  };
}

async function postForm(e: Env, fields: Record<string, string>, signature: string | null, query = "") {
  return send(e, `/webhook/whatsapp${query}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(signature ? { "X-Twilio-Signature": signature } : {}) },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The task a delivery queued: the newest studio.process task whose payload names `url`. */
async function taskFor(url: string): Promise<string> {
  const row = await env.DB.prepare("SELECT id FROM tasks WHERE kind = 'studio.process' AND json_extract(payload, '$.url') = ? ORDER BY created_at DESC")
    .bind(url)
    .all<{ id: string }>();
  expect(row.results).toHaveLength(1);
  return row.results[0]!.id;
}

describe("POST /webhook/whatsapp", () => {
  it("should answer TwiML once per message and send the edited video once, as a signed link that serves its bytes", async () => {
    const account = await newFakeTwilioAccount();
    const e = twilioEnv(account);
    const url = videoUrl();
    const fields = { MessageSid: sid(), From: SENDER, To: account.whatsappFrom, Body: `mira ${url}`, NumMedia: "0" };
    const signature = await account.sign(PUBLIC_URL, fields);

    const res = await postForm(e, fields, signature);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/xml");
    expect(await res.text()).toBe(twiml(TEXT.processing));
    const retry = await postForm(e, fields, signature);
    expect(await retry.text()).toBe(twiml());
    const taskId = await taskFor(url);

    const bytes = patternBytes(200_000, 3);
    const ended = await endTask(env, taskId, { status: "succeeded", result: { edit: { output_path: await storeEditedVideo(env, bytes) } } });
    await Promise.all([onProcessEnded(e, ended), onProcessEnded(e, ended)]);

    const { messages } = await account.state();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ to: SENDER, from: account.whatsappFrom, body: TEXT.ready });
    expect(messages[0]!.mediaUrls).toHaveLength(1);
    const media = new URL(messages[0]!.mediaUrls[0]!);
    expect(media.origin).toBe("http://127.0.0.1:8787");
    const served = await send(env, media.pathname, {});
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("video/mp4");
    expect(await sha256Hex(new Uint8Array(await served.arrayBuffer()))).toBe(await sha256Hex(bytes));
  });

  it("should refuse a missing or wrong signature, and one computed for the request's own URL instead of the public one", async () => {
    const account = await newFakeTwilioAccount();
    const e = twilioEnv(account);
    const fields = { MessageSid: sid(), From: SENDER, Body: videoUrl() };
    const refused = [null, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", await account.sign("http://platform.test/webhook/whatsapp", fields), await account.sign(PUBLIC_URL, { ...fields, Body: "other" })];
    for (const signature of refused) {
      const res = await postForm(e, fields, signature);
      expect(res.status, String(signature)).toBe(403);
      expect(await res.json()).toMatchObject({ success: false });
    }
    // The query string is part of what Twilio signs.
    expect((await postForm(e, fields, await account.sign(`${PUBLIC_URL}?via=twilio`, fields), "?via=twilio")).status).toBe(200);
    expect((await account.state()).messages).toEqual([]);
  });

  it("should send a clear failure message when the task died", async () => {
    const account = await newFakeTwilioAccount();
    const e = twilioEnv(account);
    const url = videoUrl();
    const fields = { MessageSid: sid(), From: "+34600333444", Body: url };
    await postForm(e, fields, await account.sign(PUBLIC_URL, fields));
    await onProcessEnded(e, await endTask(env, await taskFor(url), { status: "dead", errorMessage: "The video does not exist", errorCode: "source.unavailable" }));
    expect((await account.state()).messages).toEqual([
      expect.objectContaining({ to: "whatsapp:+34600333444", from: account.whatsappFrom, body: TEXT.failed("The video does not exist"), mediaUrls: [] }),
    ]);
  });

  it("should take the document's JSON example, unsigned when Twilio is not configured, deduplicated by sender and text", async () => {
    const url = videoUrl();
    const body = JSON.stringify({ Body: url, From: "+1234567890" });
    const post = () => send(env, "/webhook/whatsapp", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(await (await post()).text()).toBe(twiml(TEXT.processing));
    expect(await (await post()).text()).toBe(twiml());
    const task = await getTask(env, await taskFor(url));
    expect(task?.status).toBeDefined();
  });

  it("should check a JSON body through bodySHA256 when Twilio is configured", async () => {
    const account = await newFakeTwilioAccount();
    const e = twilioEnv(account);
    const body = JSON.stringify({ Body: videoUrl(), From: SENDER, MessageSid: sid() });
    const query = `?bodySHA256=${await sha256Hex(body)}`;
    const post = async (q: string, signedQuery = q) =>
      send(e, `/webhook/whatsapp${q}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Twilio-Signature": await account.sign(`${PUBLIC_URL}${signedQuery}`, {}) },
        body,
      });
    expect((await post(`?bodySHA256=${await sha256Hex("{}")}`)).status).toBe(403);
    expect((await post(query)).status).toBe(200);
  });

  it("should answer a message without a TikTok link with help in the TwiML, once, recording one analytics event", async () => {
    const account = await newFakeTwilioAccount();
    const fields = { MessageSid: sid(), From: SENDER, Body: "hola" };
    const unnamedRequests = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM studio_events WHERE kind = 'request' AND url IS NULL").first<{ n: number }>())!.n;
    const before = await unnamedRequests();
    const res = await postForm(twilioEnv(account), fields, await account.sign(PUBLIC_URL, fields));
    expect(await res.text()).toBe(twiml(TEXT.help));
    const retry = await postForm(twilioEnv(account), fields, await account.sign(PUBLIC_URL, fields));
    expect(await retry.text()).toBe(twiml());
    expect(await unnamedRequests()).toBe(before + 1);
  });
});
