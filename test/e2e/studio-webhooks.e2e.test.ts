/**
 * Seed 003's webhooks on the real stack: `wrangler dev` with its queue consumer, the transcoder, the fixture
 * TikTok, and the fake Telegram and Twilio APIs. A delivery is answered at once; the process task runs in the
 * real engine (download, analysis, edit by the transcoder), and its end hook sends the edited video (uploaded
 * to Telegram; a signed link Twilio fetches) or, when the task did not succeed, the failure message its end
 * calls for — exactly once, also when the provider repeats the delivery.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEXT } from "../../worker/faces/studio/webhooks/texts";
import { xmlEscape } from "../../worker/integrations/twilio";
import { startFixtureServer, type FixtureServer } from "../fixtures/server";
import { startFakeTelegram, type FakeBotInfo, type FakeTelegram } from "../fakes/telegram";
import { startFakeTwilio, twilioSignature, type FakeTwilio, type FakeTwilioAccountInfo } from "../fakes/twilio";
import { freePort, startTranscoder, startWorker, type TranscoderHandle, type WorkerHandle } from "../support/processes";
import { uniqueId } from "./support/client";
import { localD1 } from "./support/local-state";

let fixtures: FixtureServer;
let telegram: FakeTelegram;
let twilio: FakeTwilio;
let bot: FakeBotInfo;
let account: FakeTwilioAccountInfo;
let transcoder: TranscoderHandle;
let worker: WorkerHandle;

const HOOK_SECRET = "e2e_hook_secret";

beforeAll(async () => {
  fixtures = await startFixtureServer();
  [telegram, twilio] = await Promise.all([startFakeTelegram(), startFakeTwilio()]);
  bot = telegram.createBot();
  account = twilio.createAccount();
  const token = randomBytes(24).toString("base64url");
  const port = await freePort();
  transcoder = await startTranscoder({ token, allowedOrigins: [fixtures.origin, `http://127.0.0.1:${port}`] });
  worker = await startWorker(
    {
      APP_ENV: "test",
      TRANSCODER_URL: transcoder.url,
      TRANSCODER_TOKEN: token,
      SOURCE_FIXTURE_ORIGIN: fixtures.origin,
      JWT_SECRET: randomBytes(48).toString("base64url"),
      BLOB_SIGNING_SECRET: randomBytes(48).toString("base64url"),
      TASK_RETRY_BASE_SECONDS: "1",
      TASK_MAX_RETRIES: "1",
      STUDIO_RATE_PER_HOUR: "100000",
      STUDIO_RATE_BURST: "100000",
      TELEGRAM_BOT_TOKEN: bot.token,
      TELEGRAM_API_BASE_URL: bot.apiBaseUrl,
      TELEGRAM_WEBHOOK_SECRET: HOOK_SECRET,
      TWILIO_ACCOUNT_SID: account.accountSid,
      TWILIO_AUTH_TOKEN: account.authToken,
      TWILIO_API_BASE_URL: account.apiBaseUrl,
      TWILIO_WHATSAPP_FROM: account.whatsappFrom,
    },
    { port },
  );
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await transcoder?.stop();
  await Promise.all([telegram?.close(), twilio?.close(), fixtures?.close()]);
});

async function until<T>(read: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting for a reply");
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface TaskEnd {
  status: string;
  error_message: string | null;
  result: string | null;
}
const taskRow = (id: string) => localD1(worker.persistDir, "SELECT status, error_message, result FROM tasks WHERE id = ?", id)[0] as unknown as TaskEnd;

/** The SHA-256 of the edited video a succeeded task names, as GET serves it. */
async function editedVideoSha256(task: TaskEnd): Promise<string> {
  const { edit } = JSON.parse(task.result!) as { edit: { output_path: string } };
  const res = await fetch(`${worker.url}${edit.output_path}`);
  expect(res.status).toBe(200);
  return createHash("sha256").update(new Uint8Array(await res.arrayBuffer())).digest("hex");
}

describe("studio webhooks on the real stack", () => {
  it("should answer Telegram at once, then reply with the task's result once, a repeated update changing nothing", async () => {
    const chatId = 777001;
    const update = { update_id: Number(uniqueId().slice(-9)), message: { message_id: 10, chat: { id: chatId }, text: `https://www.tiktok.com/@studio/video/${uniqueId()}` } };
    const post = () =>
      fetch(`${worker.url}/webhook/telegram`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET },
        body: JSON.stringify(update),
      });
    const started = performance.now();
    const res = await post();
    const answeredMs = performance.now() - started;
    expect(res.status).toBe(200);
    const { task_id } = (await res.json()) as { task_id: string };
    console.log(`telegram webhook answered in ${answeredMs.toFixed(0)} ms`);

    const sent = () => telegram.state(bot.id)!.sent;
    const result = await until(() => sent().find((m) => m.text !== TEXT.processing), 110_000);
    expect(sent()[0]).toMatchObject({ method: "sendMessage", chatId, text: TEXT.processing });
    const task = taskRow(task_id);
    expect(task.status, task.error_message ?? "").toBe("succeeded");
    expect(result).toMatchObject({ method: "sendVideo", chatId, caption: TEXT.ready, video: { source: "upload", sha256: await editedVideoSha256(task) } });

    expect(((await (await post()).json()) as { duplicate: boolean }).duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect(sent()).toHaveLength(2);
  });

  it("should answer WhatsApp with TwiML at once, then send the result through the Messages API once", async () => {
    const from = "whatsapp:+34611222333";
    const fields = { MessageSid: `SM${randomBytes(16).toString("hex")}`, From: from, To: account.whatsappFrom, Body: `https://www.tiktok.com/@studio/video/${uniqueId()}` };
    const res = await fetch(`${worker.url}/webhook/whatsapp`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": twilioSignature(account.authToken, `${worker.url}/webhook/whatsapp`, fields) },
      body: new URLSearchParams(fields),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`<Message>${xmlEscape(TEXT.processing)}</Message>`);
    const message = await until(() => twilio.state(account.accountSid)!.messages[0], 110_000);
    expect(message).toMatchObject({ to: from, from: account.whatsappFrom });
    const [taskId] = localD1(worker.persistDir, "SELECT task_id FROM studio_webhook_deliveries WHERE delivery_key = ?", `sid:${fields.MessageSid}`).map((r) => String(r.task_id));
    const task = taskRow(taskId!);
    expect(task.status, task.error_message ?? "").toBe("succeeded");
    // Twilio fetched the signed link from the Worker: the edited video's bytes.
    expect(message.body).toBe(TEXT.ready);
    expect(message.media).toEqual([expect.objectContaining({ status: 200, contentType: "video/mp4", sha256: await editedVideoSha256(task) })]);
    await new Promise((r) => setTimeout(r, 2000));
    expect(twilio.state(account.accountSid)!.messages).toHaveLength(1);
  });
});
