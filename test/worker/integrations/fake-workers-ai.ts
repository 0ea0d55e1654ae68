/**
 * Test-side handle on the fake Workers AI REST API (test/fakes/workers-ai.ts), which runs in Node: these
 * calls reach it over loopback HTTP from workerd.
 */
import { inject } from "vitest";
import type { FakeWorkersAiAccount, FakeWorkersAiFault, FakeWorkersAiState } from "../../fakes/workers-ai";

export interface FakeAiAccount extends FakeWorkersAiAccount {
  /** The Worker settings that point at this account. */
  settings: { WORKERS_AI_BASE_URL: string; WORKERS_AI_ACCOUNT_ID: string; WORKERS_AI_API_TOKEN: string };
  state(): Promise<FakeWorkersAiState>;
  fault(fault: FakeWorkersAiFault): Promise<void>;
}

/** A fresh, isolated account: its own token, request log and faults. */
export async function newFakeAiAccount(): Promise<FakeAiAccount> {
  const { origin } = inject("workersAiFake");
  const res = await fetch(`${origin}/__fake/accounts`, { method: "POST" });
  if (res.status !== 201) throw new Error(`fake workers ai: ${res.status}`);
  const info = (await res.json()) as FakeWorkersAiAccount;
  const control = `${origin}/__fake/accounts/${info.accountId}`;
  return {
    ...info,
    settings: { WORKERS_AI_BASE_URL: info.baseUrl, WORKERS_AI_ACCOUNT_ID: info.accountId, WORKERS_AI_API_TOKEN: info.token },
    async state() {
      return (await (await fetch(control)).json()) as FakeWorkersAiState;
    },
    async fault(fault) {
      const r = await fetch(`${control}/faults`, { method: "POST", body: JSON.stringify(fault) });
      await r.body?.cancel();
      if (r.status !== 204) throw new Error(`fake workers ai fault: ${r.status}`);
    },
  };
}
