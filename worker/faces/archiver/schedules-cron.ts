/**
 * The cron step that starts due scheduled jobs: one job per schedule and slot, however often the cron fires
 * and however its passes overlap.
 *
 * A slot is the schedule's `next_run_at` when a pass finds it due. The slot's job id is derived from
 * (schedule id, slot), so every pass that sees the same slot creates or joins the same job (createJob is
 * idempotent by id: one row, one task). The pass then moves the schedule on with a compare-and-set on
 * `next_run_at = slot`: one pass wins, the others change nothing, and the next pass finds nothing due. A pass
 * that dies between the two leaves the slot due, and the next one joins the job already made and moves on.
 *
 * A schedule that was down (cron stopped, or disabled and re-enabled) for several intervals runs once, not
 * once per missed slot: its next slot is the first one after now, on the schedule's own grid.
 */
import { and, asc, eq, lte } from "drizzle-orm";
import { getDb } from "../../db/client";
import { archiverSchedules, type ArchiverScheduleRow } from "../../db/schema";
import { sha256Hex } from "../../lib/crypto";
import { createJob } from "./jobs";

/**
 * Schedules started per pass, earliest due first (the (enabled, next_run_at) index order); more wait a
 * minute for the next pass. Each costs about five D1 queries, well inside the 1,000 of one invocation
 * that the pass's other steps share.
 */
export const DUE_SCHEDULES_PER_PASS = 50;

const MINUTE_MS = 60_000;

/**
 * The job id of a schedule's run for one slot: SHA-256 of (schedule id, slot) laid out as a UUID of
 * version 8 (RFC 9562's custom layout), so it reads like every other job id.
 */
export async function slotJobId(scheduleId: string, slot: number): Promise<string> {
  const hex = await sha256Hex(`archiver.schedule:${scheduleId}:${slot}`);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The first slot after `now` on the grid `slot + k × interval` (a schedule down for hours skips the slots it missed). */
export function nextSlotAfter(slot: number, intervalMs: number, now: number): number {
  return slot + (Math.floor((now - slot) / intervalMs) + 1) * intervalMs;
}

/**
 * Creates (or joins) the slot's job, then moves the schedule past the slot unless another pass already did;
 * true when this call moved it. `schedule` is the row as the pass read it, possibly stale by now.
 */
export async function runScheduleSlot(env: Env, schedule: ArchiverScheduleRow, now: number): Promise<boolean> {
  const db = getDb(env);
  const slot = schedule.nextRunAt.getTime();
  const jobId = await slotJobId(schedule.id, slot);
  // createJob on a known id never runs an existing job again (a pass that died before moving the schedule on).
  await createJob(
    env,
    { mode: schedule.mode, value: schedule.value, limit: schedule.limit, noWatermark: schedule.noWatermark },
    { id: jobId, scheduleId: schedule.id, ownerUserId: schedule.ownerUserId },
  );
  const moved = await db
    .update(archiverSchedules)
    .set({
      lastRunAt: new Date(slot),
      nextRunAt: new Date(nextSlotAfter(slot, schedule.intervalMinutes * MINUTE_MS, now)),
      updatedAt: new Date(now),
    })
    .where(and(eq(archiverSchedules.id, schedule.id), eq(archiverSchedules.nextRunAt, schedule.nextRunAt)))
    .returning({ id: archiverSchedules.id });
  return moved.length > 0;
}

/** Enabled schedules due at `now`, earliest first, one batch: a range of the (enabled, next_run_at) index. */
export const dueSchedules = (env: Env, now: number) =>
  getDb(env)
    .select()
    .from(archiverSchedules)
    .where(and(eq(archiverSchedules.enabled, true), lte(archiverSchedules.nextRunAt, new Date(now))))
    .orderBy(asc(archiverSchedules.nextRunAt))
    .limit(DUE_SCHEDULES_PER_PASS);

/** One pass: every enabled schedule due at `now` (up to the batch) gets its slot's job. */
export async function runDueSchedules(env: Env, now: number): Promise<Record<string, number>> {
  const due = await dueSchedules(env, now);
  let advanced = 0;
  let failed = 0;
  for (const schedule of due) {
    try {
      if (await runScheduleSlot(env, schedule, now)) advanced++;
    } catch (err) {
      // One schedule's failure (its slot stays due, retried next pass) does not hold up the others.
      failed++;
      console.error(JSON.stringify({ level: "error", event: "archiver.schedule_run_failed", scheduleId: schedule.id, error: String(err) }));
    }
  }
  return { due: due.length, advanced, failed };
}
