/**
 * POST /webhook/telegram against the fake Bot API: the secret token, the "processing" reply with the right
 * chat and text, then the edited video (the stored bytes) or a failure message when the task ends, each
 * sent once per delivery however often Telegram retries or the end hook runs.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { onProcessEnded } from "../../../../worker/faces/studio/webhooks/replies";
import { TEXT } from "../../../../worker/faces/studio/webhooks/texts";
import { sha256Hex } from "../../../../worker/lib/crypto";
import { getTask } from "../../../../worker/tasks/engine";
import { newFakeBot, type FakeBot } from "../../integrations/fake-telegram";
import { patternBytes } from "../../support/files";
import { endTask, send, storeEditedVideo, tasksWithKey } from "./webhook-support";

const HOOK_SECRET = "hook_Secret-123";
const videoUrl = () => `https://www.tiktok.com/@tg/video/${7_200_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12))}`;

function botEnv(bot: FakeBot, secret: string | null = HOOK_SECRET): Env {
  return { ...env, TELEGRAM_BOT_TOKEN: bot.token, TELEGRAM_API_BASE_URL: bot.apiBaseUrl, TELEGRAM_WEBHOOK_SECRET: secret ?? undefined };
}

/** `secret`: the header's value; null sends none. */
const deliver = (e: Env, update: unknown, secret: string | null = HOOK_SECRET) =>
  send(e, "/webhook/telegram", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(secret ? { "X-Telegram-Bot-Api-Secret-Token": secret } : {}) },
    body: JSON.stringify(update),
  });

interface Answer {
  ok: true;
  task_id: string | null;
  duplicate: boolean;
}

describe("POST /webhook/telegram", () => {
  it("should reply 'processing' at once, then send the edited video once, however often Telegram retries and the hook runs", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const chatId = 4242;
    const url = videoUrl();
    const update = await bot.userMessage(chatId, `mira esto ${url}, es genial!`);

    const res = await deliver(e, update);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Answer;
    expect(answer).toMatchObject({ ok: true, duplicate: false });
    const task = await getTask(env, answer.task_id!);
    expect((task!.payload as { url: string }).url).toBe(url);
    let state = await bot.state();
    expect(state.sent).toEqual([expect.objectContaining({ method: "sendMessage", chatId, text: TEXT.processing, replyToMessageId: update.message.message_id })]);

    const retry = await deliver(e, update);
    expect(await retry.json()).toEqual({ ok: true, task_id: answer.task_id, duplicate: true });
    expect(await tasksWithKey(env, task!.idempotencyKey!)).toHaveLength(1);

    const bytes = patternBytes(300_000, 7);
    const ended = await endTask(env, answer.task_id!, { status: "succeeded", result: { success: true, edit: { output_path: await storeEditedVideo(env, bytes) } } });
    await Promise.all([onProcessEnded(e, ended), onProcessEnded(e, ended)]);
    await onProcessEnded(e, ended);

    state = await bot.state();
    const videos = state.sent.filter((m) => m.method === "sendVideo");
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatchObject({ chatId, caption: TEXT.ready, video: { source: "upload", size: bytes.byteLength, sha256: await sha256Hex(bytes) } });
    expect(state.sent.filter((m) => m.method === "sendMessage")).toHaveLength(1);
  });

  it("should send a clear failure message when the task died, and a cancellation note when it was cancelled", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const dead = (await (await deliver(e, await bot.userMessage(51, videoUrl()))).json()) as Answer;
    await onProcessEnded(e, await endTask(env, dead.task_id!, { status: "dead", errorMessage: "The video is private", errorCode: "source.private" }));
    const broken = (await (await deliver(e, await bot.userMessage(53, videoUrl()))).json()) as Answer;
    await onProcessEnded(e, await endTask(env, broken.task_id!, { status: "dead", errorMessage: "ffmpeg failed: Error reinitializing filters!", errorCode: "input.invalid" }));
    const cancelled = (await (await deliver(e, await bot.userMessage(52, videoUrl()))).json()) as Answer;
    await onProcessEnded(e, await endTask(env, cancelled.task_id!, { status: "cancelled" }));

    const replies = (await bot.state()).sent.filter((m) => m.text !== TEXT.processing);
    expect(replies).toEqual([
      expect.objectContaining({ method: "sendMessage", chatId: 51, text: TEXT.failed("The video is private") }),
      expect.objectContaining({ method: "sendMessage", chatId: 53, text: TEXT.failed(undefined) }),
      expect.objectContaining({ method: "sendMessage", chatId: 52, text: TEXT.cancelled }),
    ]);
    // The source's wording reaches the chat; an internal failure's text does not.
    expect(TEXT.failed("The video is private")).toContain("The video is private");
    expect(replies.map((m) => m.text).join(" ")).not.toContain("ffmpeg");
  });

  it("should send nothing and claim nothing while the bot is not configured, then reply once it is", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const answer = (await (await deliver(e, await bot.userMessage(61, videoUrl()))).json()) as Answer;
    const ended = await endTask(env, answer.task_id!, { status: "dead", errorMessage: "gone" });
    await onProcessEnded({ ...env, TELEGRAM_BOT_TOKEN: undefined }, ended);
    expect((await bot.state()).sent.map((m) => m.text)).toEqual([TEXT.processing]);
    await onProcessEnded(e, ended);
    expect((await bot.state()).sent.map((m) => m.text)).toEqual([TEXT.processing, TEXT.failed(undefined)]);
  });

  it("should refuse a missing or wrong secret token, queueing and sending nothing", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const update = await bot.userMessage(71, videoUrl());
    for (const secret of [null, "wrong_secret", "not a token!"]) {
      const res = await deliver(e, update, secret);
      expect(res.status, String(secret)).toBe(403);
      expect(await res.json()).toMatchObject({ success: false });
    }
    expect((await bot.state()).sent).toEqual([]);
    // Without TELEGRAM_WEBHOOK_SECRET no header is needed.
    expect((await deliver(botEnv(bot, null), update, null)).status).toBe(200);
  });

  it("should answer a message without a TikTok link with help, once, and queue nothing", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const update = await bot.userMessage(81, "hola, https://example.com/video/1");
    const first = await deliver(e, update);
    expect(await first.json()).toEqual({ ok: true, task_id: null, duplicate: false });
    expect(await (await deliver(e, update)).json()).toEqual({ ok: true, task_id: null, duplicate: true });
    expect((await bot.state()).sent).toEqual([expect.objectContaining({ chatId: 81, text: TEXT.help })]);
  });

  it("should take the document's example body (no update_id, no message_id) and deduplicate it by chat and text", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    const url = videoUrl();
    const example = { message: { text: url, chat: { id: 123456789 } } };
    const first = (await (await deliver(e, example)).json()) as Answer;
    const again = (await (await deliver(e, example)).json()) as Answer;
    expect(again).toEqual({ ok: true, task_id: first.task_id, duplicate: true });
    const other = (await (await deliver(e, { message: { text: url, chat: { id: 987654321 } } })).json()) as Answer;
    expect(other.duplicate).toBe(false);
    expect(other.task_id).not.toBe(first.task_id);
  });

  it("should answer 200 and ignore updates that are not messages, 400 for a body that is not an Update", async () => {
    const bot = await newFakeBot();
    const e = botEnv(bot);
    expect(await (await deliver(e, { update_id: 9, callback_query: { id: "1" } })).json()).toEqual({ ok: true, task_id: null, duplicate: false });
    expect((await deliver(e, { update_id: "nine" })).status).toBe(400);
    expect((await bot.state()).sent).toEqual([]);
  });
});
