/**
 * Test-side handle on the fake Telegram Bot API (test/fakes/telegram.ts), which runs in Node: these calls
 * reach it over loopback HTTP from workerd.
 */
import { inject } from "vitest";
import type { FakeBotInfo, FakeTelegramFault, FakeTelegramState } from "../../fakes/telegram";
import { telegramConfig, type TelegramConfig } from "../../../worker/integrations/telegram";

export interface FakeBot extends FakeBotInfo {
  config(overrides?: Partial<Omit<TelegramConfig, "botToken" | "apiBaseUrl">>): TelegramConfig;
  state(): Promise<FakeTelegramState>;
  fault(fault: FakeTelegramFault): Promise<void>;
  /** An Update with a user's text message in `chatId`, as Telegram would POST it to the webhook. */
  userMessage(chatId: number, text: string): Promise<{ update_id: number; message: { message_id: number; chat: { id: number }; text: string } }>;
  /** Stores bytes at the fake (a URL it can download, as Telegram downloads sendVideo's URL). */
  hostFile(name: string, body: BodyInit, contentType?: string): Promise<string>;
}

/** A fresh, isolated bot: its own token, chats, sent messages, faults and request log. */
export async function newFakeBot(): Promise<FakeBot> {
  const { origin } = inject("telegramFake");
  const res = await fetch(`${origin}/__fake/bots`, { method: "POST" });
  if (res.status !== 201) throw new Error(`fake telegram: ${res.status}`);
  const info = (await res.json()) as FakeBotInfo;
  const control = `${origin}/__fake/bots/${info.id}`;
  return {
    ...info,
    config: (overrides = {}) => telegramConfig({ botToken: info.token, apiBaseUrl: info.apiBaseUrl, ...overrides }),
    async state() {
      return (await (await fetch(control)).json()) as FakeTelegramState;
    },
    async fault(fault) {
      const r = await fetch(`${control}/faults`, { method: "POST", body: JSON.stringify(fault) });
      await r.body?.cancel();
      if (r.status !== 204) throw new Error(`fake telegram fault: ${r.status}`);
    },
    async userMessage(chatId, text) {
      const r = await fetch(`${control}/updates`, { method: "POST", body: JSON.stringify({ chat_id: chatId, text }) });
      if (r.status !== 201) throw new Error(`fake telegram update: ${r.status} ${await r.text()}`);
      return r.json();
    },
    async hostFile(name, body, contentType = "video/mp4") {
      const url = `${info.filesUrl}/${name}`;
      const r = await fetch(url, { method: "PUT", body, headers: { "Content-Type": contentType } });
      await r.body?.cancel();
      if (r.status !== 201) throw new Error(`fake telegram file: ${r.status}`);
      return url;
    },
  };
}
