/**
 * Global setup of the worker project (runs in Node, not workerd): starts the fake Telegram Bot API and the
 * fake Twilio Messages API once, so Worker code under test reaches them over loopback HTTP. Tests make an
 * isolated bot or account each (test/worker/integrations/fake-telegram.ts, fake-twilio.ts).
 */
import type { TestProject } from "vitest/node";
import { startFakeTelegram } from "../../fakes/telegram";
import { startFakeTwilio } from "../../fakes/twilio";

declare module "vitest" {
  export interface ProvidedContext {
    /** Control origin: `POST /__fake/bots`, `GET /__fake/bots/<id>`, `…/faults`, `…/updates`; also the Bot API's base URL. */
    telegramFake: { origin: string };
    /** Control origin: `POST /__fake/accounts`, `GET /__fake/accounts/<sid>`, `…/faults`, `…/signature`; also Twilio's base URL. */
    twilioFake: { origin: string };
  }
}

export default async function setup(project: TestProject) {
  const [telegram, twilio] = await Promise.all([startFakeTelegram(), startFakeTwilio()]);
  project.provide("telegramFake", { origin: telegram.origin });
  project.provide("twilioFake", { origin: twilio.origin });
  return async () => {
    await Promise.all([telegram.close(), twilio.close()]);
  };
}
