/**
 * Taking a webhook delivery that names a video: its delivery row, then its `studio.process` task. The task
 * id is chosen before the row is written and the task's idempotency key is the delivery's, so a crash
 * between the two writes is repaired by the provider's retry (which finds the row and submits the same task),
 * and a replay never creates a second task. Nothing here waits for the task.
 */
import type { StudioWebhookDeliveryRow } from "../../../db/schema";
import { newId } from "../../../lib/ids";
import { getTask } from "../../../tasks/engine";
import { recordLater } from "../analytics/record";
import { submitProcess } from "../script/process-task";
import { deliveryTaskKey, recordDelivery, type WebhookSource } from "./deliveries";

export interface VideoDelivery {
  source: WebhookSource;
  deliveryKey: string;
  url: string;
  /** Where replies go (Telegram chat id, WhatsApp sender); null for TikTok, which has no reply channel. */
  replyTo: string | null;
}

export interface QueuedDelivery {
  taskId: string;
  /** An earlier delivery with the same key queued the task; this one changed nothing. */
  duplicate: boolean;
  row: StudioWebhookDeliveryRow;
}

/** A delivery that names no video (a chat message without a TikTok link): recorded for its one help reply. */
export async function recordUnqueued(
  env: Env,
  delivery: Omit<VideoDelivery, "url">,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<{ duplicate: boolean; row: StudioWebhookDeliveryRow }> {
  const recorded = await recordDelivery(env, { ...delivery, taskId: null, url: null });
  if (recorded.created) recordLater(env, waitUntil, { kind: "request", ok: true });
  return { duplicate: !recorded.created, row: recorded.row };
}

export async function queueDelivery(env: Env, delivery: VideoDelivery, waitUntil: (p: Promise<unknown>) => void): Promise<QueuedDelivery> {
  const taskId = newId();
  const recorded = await recordDelivery(env, { ...delivery, taskId });
  const row = recorded.row;
  const submit = (id: string, url: string) =>
    submitProcess(env, { url, caller: null, id, idempotencyKey: deliveryTaskKey(delivery.source, delivery.deliveryKey) });
  if (recorded.created) {
    await submit(taskId, delivery.url);
    recordLater(env, waitUntil, { kind: "request", ok: true, url: delivery.url });
    return { taskId, duplicate: false, row };
  }
  if (row.taskId === null) throw new Error(`webhook delivery ${row.source}/${row.deliveryKey} was recorded without a task`);
  if (!(await getTask(env, row.taskId))) await submit(row.taskId, row.url ?? delivery.url);
  return { taskId: row.taskId, duplicate: true, row };
}
