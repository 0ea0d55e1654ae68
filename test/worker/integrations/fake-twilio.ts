/**
 * Test-side handle on the fake Twilio Messages API (test/fakes/twilio.ts), which runs in Node: these calls
 * reach it over loopback HTTP from workerd.
 */
import { inject } from "vitest";
import type { FakeTwilioAccountInfo, FakeTwilioFault, FakeTwilioState } from "../../fakes/twilio";
import { twilioConfig, type TwilioConfig } from "../../../worker/integrations/twilio";

export interface FakeTwilioAccount extends FakeTwilioAccountInfo {
  config(overrides?: Partial<Pick<TwilioConfig, "authToken">>): TwilioConfig;
  state(): Promise<FakeTwilioState>;
  fault(fault: FakeTwilioFault): Promise<void>;
  /** The X-Twilio-Signature Twilio would send with a webhook to `url` carrying `params` (computed by the fake). */
  sign(url: string, params: Record<string, string | string[]>): Promise<string>;
  /** Stores bytes at the fake (a media URL it can download, as Twilio downloads MediaUrl). */
  hostFile(name: string, body: BodyInit, contentType?: string): Promise<string>;
}

/** A fresh, isolated account: its own SID, token, senders, messages, faults and request log. */
export async function newFakeTwilioAccount(): Promise<FakeTwilioAccount> {
  const { origin } = inject("twilioFake");
  const res = await fetch(`${origin}/__fake/accounts`, { method: "POST" });
  if (res.status !== 201) throw new Error(`fake twilio: ${res.status}`);
  const info = (await res.json()) as FakeTwilioAccountInfo;
  const control = `${origin}/__fake/accounts/${info.accountSid}`;
  return {
    ...info,
    config: (overrides = {}) =>
      twilioConfig({ accountSid: info.accountSid, authToken: overrides.authToken ?? info.authToken, apiBaseUrl: info.apiBaseUrl, whatsappFrom: info.whatsappFrom }),
    async state() {
      return (await (await fetch(control)).json()) as FakeTwilioState;
    },
    async fault(fault) {
      const r = await fetch(`${control}/faults`, { method: "POST", body: JSON.stringify(fault) });
      await r.body?.cancel();
      if (r.status !== 204) throw new Error(`fake twilio fault: ${r.status}`);
    },
    async sign(url, params) {
      const r = await fetch(`${control}/signature`, { method: "POST", body: JSON.stringify({ url, params }) });
      return ((await r.json()) as { signature: string }).signature;
    },
    async hostFile(name, body, contentType = "video/mp4") {
      const url = `${info.filesUrl}/${name}`;
      const r = await fetch(url, { method: "PUT", body, headers: { "Content-Type": contentType } });
      await r.body?.cancel();
      if (r.status !== 201) throw new Error(`fake twilio file: ${r.status}`);
      return url;
    },
  };
}
