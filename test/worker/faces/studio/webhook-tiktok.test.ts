/**
 * POST /webhook/tiktok and GET /webhook/health: signatures over the raw body (the document's X-Signature and
 * TikTok's TikTok-Signature), replays that queue nothing, what happens without WEBHOOK_SECRET, and the
 * analytics event of an accepted delivery.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { studioEvents } from "../../../../worker/db/schema";
import { STUDIO_PROCESS_KIND } from "../../../../worker/faces/studio/script/process-task";
import { deliveryTaskKey, recordDelivery } from "../../../../worker/faces/studio/webhooks/deliveries";
import { hmac, toHex } from "../../../../worker/lib/crypto";
import { getTask } from "../../../../worker/tasks/engine";
import { send, tasksWithKey } from "./webhook-support";

const SECRET = "tu-secret-aqui";
const signed = { ...env, WEBHOOK_SECRET: SECRET };
const hexHmac = async (data: string) => toHex(await hmac(SECRET, data));
const videoUrl = () => `https://www.tiktok.com/@hook/video/${7_100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12))}`;

const post = (e: Env, body: string, headers: Record<string, string> = {}) =>
  send(e, "/webhook/tiktok", { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body });

interface Accepted {
  success: true;
  task_id: string;
  duplicate: boolean;
}

describe("POST /webhook/tiktok", () => {
  it("should queue a process task for a body signed with X-Signature, and queue nothing for its replay", async () => {
    const url = videoUrl();
    // Spacing as Python's json.dumps writes it: the signature covers these exact bytes.
    const body = `{"url": "${url}"}`;
    const res = await post(signed, body, { "X-Signature": await hexHmac(body) });
    expect(res.status).toBe(202);
    const first = (await res.json()) as Accepted;
    expect(first).toMatchObject({ success: true, duplicate: false });
    const task = await getTask(env, first.task_id);
    expect(task).toMatchObject({ kind: STUDIO_PROCESS_KIND, face: "studio" });
    expect((task!.payload as { url: string }).url).toBe(url);

    const replay = await post(signed, body, { "X-Signature": await hexHmac(body) });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ success: true, task_id: first.task_id, duplicate: true });
    const key = (await tasksWithKey(env, task!.idempotencyKey!)).map((t) => t.id);
    expect(key).toEqual([first.task_id]);
  });

  it("should refuse a missing (401), wrong or malformed (403) signature, and a body re-serialised after signing", async () => {
    const body = `{"url": "${videoUrl()}"}`;
    const missing = await post(signed, body);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: "Unauthorized" });
    for (const signature of [await toHex(await hmac("another-secret", body)), "nothex", `${await hexHmac(body)}00`]) {
      const res = await post(signed, body, { "X-Signature": signature });
      expect(res.status, signature).toBe(403);
      expect(await res.json()).toMatchObject({ success: false, error: expect.stringContaining("Invalid signature") });
    }
    const reserialised = JSON.stringify(JSON.parse(body));
    expect((await post(signed, reserialised, { "X-Signature": await hexHmac(body) })).status).toBe(403);
  });

  it("should accept TikTok-Signature within the tolerance and refuse a stale one", async () => {
    const body = JSON.stringify({ url: videoUrl() });
    const at = (seconds: number) => hexHmac(`${seconds}.${body}`).then((s) => `t=${seconds},s=${s}`);
    const now = Math.floor(Date.now() / 1000);
    const stale = await post(signed, body, { "TikTok-Signature": await at(now - 3600) });
    expect(stale.status).toBe(403);
    expect(((await stale.json()) as { error: string }).error).toContain("stale");
    const fresh = await post(signed, body, { "TikTok-Signature": await at(now - 5) });
    expect(fresh.status).toBe(202);
    // Re-signed later with a new timestamp: the same event, recognised by its body.
    const resent = await post(signed, body, { "TikTok-Signature": await at(now) });
    expect(resent.status).toBe(200);
    expect(((await resent.json()) as Accepted).task_id).toBe(((await fresh.json()) as Accepted).task_id);
  });

  it("should submit the recorded task when a retry finds the delivery written but its task missing (a crash between the two)", async () => {
    const body = JSON.stringify({ url: videoUrl(), event_id: `evt-${crypto.randomUUID()}` });
    const eventId = (JSON.parse(body) as { event_id: string }).event_id;
    const taskId = crypto.randomUUID();
    await recordDelivery(env, { source: "tiktok", deliveryKey: `event:${eventId}`, taskId, replyTo: null, url: (JSON.parse(body) as { url: string }).url });
    const res = await post(signed, body, { "X-Signature": await hexHmac(body) });
    expect(await res.json()).toEqual({ success: true, task_id: taskId, duplicate: true });
    expect((await getTask(env, taskId))?.idempotencyKey).toBe(deliveryTaskKey("tiktok", `event:${eventId}`));
  });

  it("should take event_id as the delivery key when the sender gives one", async () => {
    const eventId = `evt-${crypto.randomUUID()}`;
    const a = JSON.stringify({ url: videoUrl(), event_id: eventId });
    const b = JSON.stringify({ event_id: eventId, url: videoUrl(), retry: 1 });
    const first = (await (await post(signed, a, { "X-Signature": await hexHmac(a) })).json()) as Accepted;
    const second = (await (await post(signed, b, { "X-Signature": await hexHmac(b) })).json()) as Accepted;
    expect(second).toEqual({ success: true, task_id: first.task_id, duplicate: true });
    expect(await tasksWithKey(env, deliveryTaskKey("tiktok", `event:${eventId}`))).toHaveLength(1);
  });

  it("should accept unsigned deliveries without WEBHOOK_SECRET outside production, and refuse them in production", async () => {
    const body = JSON.stringify({ url: videoUrl() });
    expect((await post({ ...env, WEBHOOK_SECRET: "" }, body)).status).toBe(202);
    const production = await post({ ...env, APP_ENV: "production", WEBHOOK_SECRET: undefined }, JSON.stringify({ url: videoUrl() }));
    expect(production.status).toBe(503);
    expect(await production.json()).toMatchObject({ success: false, error: expect.stringContaining("WEBHOOK_SECRET") });
  });

  it("should refuse bodies without a TikTok url in the document's error shape", async () => {
    for (const body of ["{", "[]", "{}", JSON.stringify({ url: "" }), JSON.stringify({ url: "https://example.com/video/1" })]) {
      const res = await post(signed, body, { "X-Signature": await hexHmac(body) });
      expect(res.status, body).toBe(400);
      expect(await res.json()).toMatchObject({ success: false });
    }
  });

  it("should record one analytics event per accepted delivery, none for its replay", async () => {
    const url = videoUrl();
    const body = JSON.stringify({ url });
    await post(signed, body, { "X-Signature": await hexHmac(body) });
    await post(signed, body, { "X-Signature": await hexHmac(body) });
    const events = await getDb(env).select().from(studioEvents).where(and(eq(studioEvents.url, url), eq(studioEvents.kind, "request")));
    expect(events.map((e) => e.ok)).toEqual([true]);
  });
});

describe("GET /webhook/health", () => {
  it("should answer healthy and say which providers are configured", async () => {
    const res = await send(signed, "/webhook/health", {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; timestamp: string; webhooks: Record<string, unknown> };
    expect(body.status).toBe("healthy");
    expect(Math.abs(Date.parse(body.timestamp) - Date.now())).toBeLessThan(60_000);
    expect(body.webhooks).toEqual({ tiktok: "signed", telegram: false, whatsapp: false });
    const unsigned = (await (await send(env, "/webhook/health", {})).json()) as typeof body;
    expect(unsigned.webhooks.tiktok).toBe("unsigned");
  });
});
