/**
 * The cron's heartbeat: each pass (worker/scheduled.ts) records its time once its steps have settled, and the
 * health check reads it. It is an R2 object beside the orphan sweep's state rather than a D1 row: no schema
 * change, one small write a minute, and the scheduler check stays independent of the database check (a D1
 * outage shows as `database: false`, not as a silent scheduler too).
 */

/** Outside `tasks/`, so the orphan sweep never lists it; no `files` row, so nothing collects it. */
export const CRON_HEARTBEAT_KEY = "_system/cron-heartbeat.json";

/** The cron fires every minute: three minutes without a pass means it has stopped, not that it is late. */
export const HEARTBEAT_STALE_MS = 3 * 60_000;

interface Heartbeat {
  /** The pass's time (the cron's scheduled time), ISO 8601. */
  at: string;
}

export async function recordCronHeartbeat(env: Env, at: number): Promise<void> {
  const beat: Heartbeat = { at: new Date(at).toISOString() };
  await env.MEDIA.put(CRON_HEARTBEAT_KEY, JSON.stringify(beat), { httpMetadata: { contentType: "application/json" } });
}

/** The time of the latest recorded pass, or undefined when none was recorded or the record is not one. */
export async function lastCronHeartbeat(env: Env): Promise<number | undefined> {
  const object = await env.MEDIA.get(CRON_HEARTBEAT_KEY);
  if (!object) return undefined;
  let beat: Partial<Heartbeat>;
  try {
    beat = JSON.parse(await object.text()) as Partial<Heartbeat>;
  } catch {
    return undefined;
  }
  const at = typeof beat.at === "string" ? Date.parse(beat.at) : NaN;
  return Number.isNaN(at) ? undefined : at;
}
