import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CRON_STEPS, runScheduled, type CronStep } from "../../worker/scheduled";

describe("the cron pass", () => {
  it("should run every step even when one fails, and report each on its own", async () => {
    const ran: string[] = [];
    const steps: CronStep[] = [
      { name: "breaks", run: async () => Promise.reject(new Error("D1 unavailable")) },
      { name: "works", run: async (_env, now) => (ran.push(`works@${now}`), { done: 1 }) },
    ];
    const report = await runScheduled(env, 1234, steps);
    expect(ran).toEqual(["works@1234"]);
    expect(report).toEqual({ breaks: { ok: false, error: "Error: D1 unavailable" }, works: { ok: true, counts: { done: 1 } } });
  });

  it("should run the platform's steps, twice in a row, without failing", async () => {
    for (let pass = 0; pass < 2; pass++) {
      const report = await runScheduled(env);
      for (const step of CRON_STEPS) expect(report[step.name], step.name).toMatchObject({ ok: true });
    }
  });
});
