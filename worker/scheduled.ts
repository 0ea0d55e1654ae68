/**
 * The cron pass (every minute) is a list of steps. Each step is idempotent and independent: one failing
 * does not stop the others, and two overlapping passes (cron fires at least once, sometimes twice) do no
 * harm. A face that needs periodic work (004's scheduled jobs) adds one step to `CRON_STEPS`.
 */
import { getConfig } from "./env";
import { runDueSchedules } from "./faces/archiver/schedules-cron";
import { recordCronHeartbeat } from "./faces/archiver/stats-heartbeat";
import { sweepOrphanObjects } from "./media/orphans";
import { collectIdleFiles } from "./media/store";
import { recoverStalledTasks } from "./tasks/engine";

export interface CronStep {
  /** Stable name, used in logs and in the pass report. */
  name: string;
  /** Runs one pass of the step; the returned counts are reported, never interpreted. */
  run(env: Env, now: number): Promise<Record<string, number>>;
}

export const CRON_STEPS: readonly CronStep[] = [
  {
    name: "collect-idle-files",
    run: async (env, now) => ({ collected: await collectIdleFiles(env, getConfig(env).FILE_IDLE_TTL_SECONDS, now) }),
  },
  { name: "recover-stalled-tasks", run: (env, now) => recoverStalledTasks(env, now) },
  { name: "sweep-orphan-objects", run: (env, now) => sweepOrphanObjects(env, now) },
  { name: "run-due-schedules", run: (env, now) => runDueSchedules(env, now) },
];

export type CronReport = Record<string, { ok: true; counts: Record<string, number> } | { ok: false; error: string }>;

export async function runScheduled(env: Env, now = Date.now(), steps: readonly CronStep[] = CRON_STEPS): Promise<CronReport> {
  const settled = await Promise.allSettled(steps.map((step) => step.run(env, now)));
  const report: CronReport = {};
  for (const [i, outcome] of settled.entries()) {
    const name = steps[i]!.name;
    if (outcome.status === "fulfilled") {
      report[name] = { ok: true, counts: outcome.value };
    } else {
      console.error(JSON.stringify({ level: "error", event: "cron.step_failed", step: name, error: String(outcome.reason) }));
      report[name] = { ok: false, error: String(outcome.reason) };
    }
  }
  // After the steps: a pass that hangs shows as a missing heartbeat (seed 004's health reads it).
  await recordCronHeartbeat(env, now).catch((err: unknown) =>
    console.error(JSON.stringify({ level: "error", event: "cron.heartbeat_failed", error: String(err) })),
  );
  return report;
}
