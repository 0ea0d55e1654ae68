/**
 * The cron pass (every minute): expire idle files, recover stalled tasks. Each step is idempotent and
 * independent, so one failing does not stop the other and two overlapping passes do no harm.
 */
import { getConfig } from "./env";
import { collectIdleFiles } from "./media/store";
import { recoverStalledTasks } from "./tasks/engine";

export async function runScheduled(env: Env, now = Date.now()): Promise<{ collected: number; requeued: number; dead: number; rewoken: number }> {
  const config = getConfig(env);
  const [gc, recovery] = await Promise.allSettled([collectIdleFiles(env, config.FILE_IDLE_TTL_SECONDS, now), recoverStalledTasks(env, now)]);
  for (const r of [gc, recovery]) {
    if (r.status === "rejected") console.error(JSON.stringify({ level: "error", event: "cron.step_failed", error: String(r.reason) }));
  }
  return {
    collected: gc.status === "fulfilled" ? gc.value : 0,
    ...(recovery.status === "fulfilled" ? recovery.value : { requeued: 0, dead: 0, rewoken: 0 }),
  };
}
