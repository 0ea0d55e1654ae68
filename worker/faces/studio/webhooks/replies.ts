/**
 * Replies to the chats whose webhook deliveries queued a `studio.process` task: the immediate
 * acknowledgement (Telegram; WhatsApp's is the TwiML answer itself) and, when the task ends, the result —
 * the edited video, or a clear failure message.
 *
 * Each reply is sent at most once per delivery: the sender first wins the delivery's claim column
 * (`ack_claimed_at`, `result_claimed_at`) by compare-and-set. A provider that is not configured sends
 * nothing and claims nothing, so a reply can still go out from a later run of the hook once it is. A send
 * that fails after its claim is logged and not retried: neither API has an idempotency key, and a call whose
 * answer was lost may have been delivered.
 */
import { z } from "zod";
import type { StudioWebhookDeliveryRow, TaskRow } from "../../../db/schema";
import { createTelegramClient, telegramConfigFromEnv } from "../../../integrations/telegram";
import { createTwilioClient, twilioConfigFromEnv, whatsappAddress } from "../../../integrations/twilio";
import { AppError } from "../../../lib/errors";
import { downloadUrlFor } from "../../../media/signed-urls";
import type { NamedFile } from "../../../media/store";
import { resolveStudioFile } from "../files";
import { claimAck, claimResult, markResultSent, unansweredDeliveriesOf } from "./deliveries";
import { chatFailureReason, TEXT } from "./texts";

/** How long the signed link in a WhatsApp message (or an oversized Telegram video's link) stays valid. */
export const RESULT_LINK_TTL_SECONDS = 24 * 3600;
/** WhatsApp's cap on a video Twilio fetches by URL; larger results go out as a link in the text. */
export const WHATSAPP_MEDIA_LIMIT_BYTES = 16 * 1024 * 1024;

/** What the process task left for the chats: its stored video, or why there is none. */
export type TaskOutcome = { kind: "video"; file: NamedFile } | { kind: "failure"; text: string };

const processResultSchema = z.looseObject({ edit: z.looseObject({ output_path: z.string().min(1) }) });

const ENDED = new Set<TaskRow["status"]>(["succeeded", "dead", "cancelled"]);

/**
 * The process kind's end hook (registered in worker/task-kinds.ts): every delivery of the task that has no
 * result reply yet gets one. Runs after succeeded, dead or cancelled, possibly more than once.
 */
export async function onProcessEnded(env: Env, task: TaskRow): Promise<void> {
  if (!ENDED.has(task.status)) return;
  const rows = await unansweredDeliveriesOf(env, task.id);
  if (rows.length === 0) return;
  const outcome = await outcomeOf(env, task);
  for (const row of rows) {
    try {
      await sendResult(env, row, outcome);
    } catch (err) {
      logFailure("studio.webhook_result_failed", row, err);
    }
  }
}

export async function outcomeOf(env: Env, task: TaskRow): Promise<TaskOutcome> {
  if (task.status === "cancelled") return { kind: "failure", text: TEXT.cancelled };
  if (task.status !== "succeeded") return { kind: "failure", text: TEXT.failed(chatFailureReason(task)) };
  const result = processResultSchema.safeParse(task.result);
  if (!result.success) return { kind: "failure", text: TEXT.failed("the edit produced no video") };
  try {
    return { kind: "video", file: await resolveStudioFile(env, result.data.edit.output_path, task.ownerUserId, "edit.output_path") };
  } catch (err) {
    if (err instanceof AppError) return { kind: "failure", text: TEXT.failed("the edited video is no longer stored") };
    throw err;
  }
}

async function sendResult(env: Env, row: StudioWebhookDeliveryRow, outcome: TaskOutcome): Promise<void> {
  if (row.replyTo === null) return;
  if (row.source === "telegram") {
    const config = telegramConfigFromEnv(env);
    if (!config || !(await claimResult(env, row))) return;
    const bot = createTelegramClient(config);
    const chatId = Number(row.replyTo);
    if (outcome.kind === "failure") await bot.sendMessage(chatId, outcome.text);
    else if (outcome.file.file.size > config.uploadLimitBytes) {
      await bot.sendMessage(chatId, TEXT.readyAsLink(await downloadUrlFor(env, outcome.file.file.r2Key, RESULT_LINK_TTL_SECONDS)));
    } else {
      const object = await env.MEDIA.get(outcome.file.file.r2Key);
      if (!object) await bot.sendMessage(chatId, TEXT.failed("the edited video is no longer stored"));
      else await bot.sendVideo(chatId, { stream: object.body, size: object.size, filename: outcome.file.name.publicName }, TEXT.ready);
    }
    await markResultSent(env, row);
  } else if (row.source === "whatsapp") {
    const config = twilioConfigFromEnv(env);
    if (!config?.whatsappFrom || !(await claimResult(env, row))) return;
    const twilio = createTwilioClient(config);
    const to = whatsappAddress(row.replyTo);
    if (outcome.kind === "failure") await twilio.sendMessage({ to, body: outcome.text });
    else {
      const link = await downloadUrlFor(env, outcome.file.file.r2Key, RESULT_LINK_TTL_SECONDS);
      const fits = outcome.file.file.size <= WHATSAPP_MEDIA_LIMIT_BYTES;
      await twilio.sendMessage(fits ? { to, body: TEXT.ready, mediaUrls: [link] } : { to, body: TEXT.readyAsLink(link) });
    }
    await markResultSent(env, row);
  }
}

/**
 * Sends Telegram's immediate reply to a delivery (the "processing" note, or help for a message without a
 * TikTok link), once per delivery. Returns whether this call sent it.
 */
export async function sendTelegramAck(env: Env, row: StudioWebhookDeliveryRow, text: string, replyToMessageId: number | undefined): Promise<boolean> {
  const config = telegramConfigFromEnv(env);
  if (!config || row.replyTo === null || !(await claimAck(env, row))) return false;
  try {
    await createTelegramClient(config).sendMessage(Number(row.replyTo), text, { replyToMessageId });
    return true;
  } catch (err) {
    logFailure("studio.webhook_ack_failed", row, err);
    return false;
  }
}

function logFailure(event: string, row: StudioWebhookDeliveryRow, err: unknown) {
  console.warn(JSON.stringify({ level: "warn", event, source: row.source, taskId: row.taskId, error: String(err) }));
}
