/**
 * Webhook deliveries as D1 rows (studio_webhook_deliveries): the row of a (source, delivery key) is written
 * once, by whichever delivery of a retried message arrives first, and it alone queues the task. Each reply
 * (the acknowledgement, the result) is sent only by the caller that wins its claim column's compare-and-set,
 * so provider retries and an end hook running twice never turn into duplicate messages.
 */
import { and, eq, isNull } from "drizzle-orm";
import { getDb } from "../../../db/client";
import { studioWebhookDeliveries, type StudioWebhookDeliveryRow } from "../../../db/schema";
import { sha256Hex } from "../../../lib/crypto";

export type WebhookSource = StudioWebhookDeliveryRow["source"];

export interface NewDelivery {
  source: WebhookSource;
  deliveryKey: string;
  /** The task this delivery queues; null when it queues none (a message without a TikTok URL). */
  taskId: string | null;
  replyTo: string | null;
  url: string | null;
}

export type RecordOutcome = { created: true; row: StudioWebhookDeliveryRow } | { created: false; row: StudioWebhookDeliveryRow };

/** Inserts the delivery, or returns the row an earlier delivery of the same key wrote (created: false). */
export async function recordDelivery(env: Env, delivery: NewDelivery, now = Date.now()): Promise<RecordOutcome> {
  const db = getDb(env);
  const [inserted] = await db
    .insert(studioWebhookDeliveries)
    .values({ ...delivery, createdAt: new Date(now) })
    .onConflictDoNothing({ target: [studioWebhookDeliveries.source, studioWebhookDeliveries.deliveryKey] })
    .returning();
  if (inserted) return { created: true, row: inserted };
  const existing = await getDelivery(env, delivery.source, delivery.deliveryKey);
  if (!existing) throw new Error("webhook delivery vanished between insert and select");
  return { created: false, row: existing };
}

export async function getDelivery(env: Env, source: WebhookSource, deliveryKey: string): Promise<StudioWebhookDeliveryRow | undefined> {
  return getDb(env)
    .select()
    .from(studioWebhookDeliveries)
    .where(and(eq(studioWebhookDeliveries.source, source), eq(studioWebhookDeliveries.deliveryKey, deliveryKey)))
    .get();
}

/** True for exactly one caller per delivery: the one that may send the immediate acknowledgement. */
export async function claimAck(env: Env, row: Pick<StudioWebhookDeliveryRow, "source" | "deliveryKey">, now = Date.now()): Promise<boolean> {
  const claimed = await getDb(env)
    .update(studioWebhookDeliveries)
    .set({ ackClaimedAt: new Date(now) })
    .where(
      and(
        eq(studioWebhookDeliveries.source, row.source),
        eq(studioWebhookDeliveries.deliveryKey, row.deliveryKey),
        isNull(studioWebhookDeliveries.ackClaimedAt),
      ),
    )
    .returning({ key: studioWebhookDeliveries.deliveryKey });
  return claimed.length === 1;
}

/** True for exactly one caller per delivery: the one that may send the task's result. */
export async function claimResult(env: Env, row: Pick<StudioWebhookDeliveryRow, "source" | "deliveryKey">, now = Date.now()): Promise<boolean> {
  const claimed = await getDb(env)
    .update(studioWebhookDeliveries)
    .set({ resultClaimedAt: new Date(now) })
    .where(
      and(
        eq(studioWebhookDeliveries.source, row.source),
        eq(studioWebhookDeliveries.deliveryKey, row.deliveryKey),
        isNull(studioWebhookDeliveries.resultClaimedAt),
      ),
    )
    .returning({ key: studioWebhookDeliveries.deliveryKey });
  return claimed.length === 1;
}

export async function markResultSent(env: Env, row: Pick<StudioWebhookDeliveryRow, "source" | "deliveryKey">, now = Date.now()): Promise<void> {
  await getDb(env)
    .update(studioWebhookDeliveries)
    .set({ resultSentAt: new Date(now) })
    .where(and(eq(studioWebhookDeliveries.source, row.source), eq(studioWebhookDeliveries.deliveryKey, row.deliveryKey)));
}

/** Deliveries of this task whose result reply nobody has claimed yet. */
export async function unansweredDeliveriesOf(env: Env, taskId: string): Promise<StudioWebhookDeliveryRow[]> {
  return getDb(env)
    .select()
    .from(studioWebhookDeliveries)
    .where(and(eq(studioWebhookDeliveries.taskId, taskId), isNull(studioWebhookDeliveries.resultClaimedAt)));
}

/** A delivery key from content when the provider gives no id: the SHA-256 of the parts, joined unambiguously. */
export async function digestKey(prefix: string, ...parts: (string | number)[]): Promise<string> {
  return `${prefix}:${await sha256Hex(JSON.stringify(parts.map(String)))}`;
}

/** The idempotency key of the task a delivery queues: a retried submit after a crash joins the same task. */
export const deliveryTaskKey = (source: WebhookSource, deliveryKey: string) => `studio.webhook:${source}:${deliveryKey}`;
