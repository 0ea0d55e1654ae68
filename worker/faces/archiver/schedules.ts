/**
 * Seed 004's scheduled jobs without HTTP. A schedule is a row; its runs are the archiver jobs that carry its
 * id, so `total_runs`, `successful_runs` and `failed_runs` are counted from those jobs and their tasks on every
 * read (one grouped query, for one schedule or a list) and can never drift from what exists. The cron step
 * that starts due runs is in schedules-cron.ts.
 */
import { asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import { getDb } from "../../db/client";
import { archiverJobs, archiverSchedules, tasks, type ArchiverScheduleRow } from "../../db/schema";
import { AppError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { TASK_STATUSES_OF } from "./presenters";
import type { ScheduleCreateInput, SchedulePatchInput, ScheduleView } from "./schedules-schemas";

export const SCHEDULE_MISSING = "Scheduled job not found";

const MINUTE_MS = 60_000;

const missing = () => new AppError(404, SCHEDULE_MISSING, "schedule.missing");

/** The schedules with their runs counted: jobs joined through the (schedule_id, created_at) index, then their tasks. */
const withRuns = (env: Env) =>
  getDb(env)
    .select({
      schedule: archiverSchedules,
      total: count(archiverJobs.id),
      successful: sql<number>`count(CASE WHEN ${inArray(tasks.status, TASK_STATUSES_OF.completed)} THEN 1 END)`,
      failed: sql<number>`count(CASE WHEN ${inArray(tasks.status, TASK_STATUSES_OF.failed)} THEN 1 END)`,
    })
    .from(archiverSchedules)
    .leftJoin(archiverJobs, eq(archiverJobs.scheduleId, archiverSchedules.id))
    .leftJoin(tasks, eq(tasks.id, archiverJobs.id));

interface Runs {
  total: number;
  successful: number;
  failed: number;
}

export function presentSchedule(s: ArchiverScheduleRow, runs: Runs): ScheduleView {
  return {
    id: s.id,
    name: s.name,
    mode: s.mode,
    value: s.value,
    limit: s.limit,
    no_watermark: s.noWatermark,
    interval_minutes: s.intervalMinutes,
    enabled: s.enabled,
    last_run_at: s.lastRunAt ? s.lastRunAt.toISOString() : null,
    next_run_at: s.nextRunAt.toISOString(),
    total_runs: runs.total,
    successful_runs: runs.successful,
    failed_runs: runs.failed,
    created_at: s.createdAt.toISOString(),
  };
}

export async function listSchedules(env: Env, q: { enabled?: boolean }): Promise<ScheduleView[]> {
  const where = q.enabled === undefined ? undefined : eq(archiverSchedules.enabled, q.enabled);
  const rows = await withRuns(env).where(where).groupBy(archiverSchedules.id).orderBy(asc(archiverSchedules.createdAt), asc(archiverSchedules.id));
  return rows.map((r) => presentSchedule(r.schedule, r));
}

export async function getSchedule(env: Env, id: string): Promise<ScheduleView> {
  const row = await withRuns(env).where(eq(archiverSchedules.id, id)).groupBy(archiverSchedules.id).get();
  if (!row) throw missing();
  return presentSchedule(row.schedule, row);
}

/** A new schedule is due at once: the next cron pass (within a minute) starts its first run, when enabled. */
export async function createSchedule(env: Env, input: ScheduleCreateInput, ownerUserId: number | null, now = Date.now()): Promise<ScheduleView> {
  const [row] = await getDb(env)
    .insert(archiverSchedules)
    .values({
      id: newId(),
      name: input.name,
      mode: input.mode,
      value: input.value,
      limit: input.limit,
      noWatermark: input.no_watermark,
      intervalMinutes: input.interval_minutes,
      enabled: input.enabled,
      lastRunAt: null,
      nextRunAt: new Date(now),
      ownerUserId,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    })
    .returning();
  return presentSchedule(row!, { total: 0, successful: 0, failed: 0 });
}

/**
 * `next_run_at` when a disabled schedule is enabled: a time already past becomes now (due at the next
 * tick, once), a future one stays. Evaluated inside the UPDATE, so it reads the row as it is when written.
 */
const enablingClamp = (next: SQL, now: number): SQL => sql`CASE WHEN ${archiverSchedules.enabled} = 0 THEN max(${next}, ${now}) ELSE ${next} END`;

/**
 * Changes the given fields only. A new interval counts from the last run (`last_run_at` + interval; a
 * schedule that never ran keeps its due time, which is never later than now); enabling clamps a past
 * `next_run_at` to now. One UPDATE computes both from the row it writes, so a cron pass advancing the
 * schedule at the same moment is never overwritten with a value derived from an older read.
 */
export async function updateSchedule(env: Env, id: string, patch: SchedulePatchInput, now = Date.now()): Promise<ScheduleView> {
  let next: SQL = sql`${archiverSchedules.nextRunAt}`;
  if (patch.interval_minutes !== undefined) {
    next = sql`coalesce(${archiverSchedules.lastRunAt} + ${patch.interval_minutes * MINUTE_MS}, ${archiverSchedules.nextRunAt})`;
  }
  if (patch.enabled === true) next = enablingClamp(next, now);
  const updated = await getDb(env)
    .update(archiverSchedules)
    .set({
      name: patch.name,
      mode: patch.mode,
      value: patch.value,
      limit: patch.limit,
      noWatermark: patch.no_watermark,
      intervalMinutes: patch.interval_minutes,
      enabled: patch.enabled,
      nextRunAt: next,
      updatedAt: new Date(now),
    })
    .where(eq(archiverSchedules.id, id))
    .returning({ id: archiverSchedules.id });
  if (updated.length === 0) throw missing();
  return getSchedule(env, id);
}

/** Flips `enabled` in one UPDATE (two concurrent toggles flip twice, never both to the same value). */
export async function toggleSchedule(env: Env, id: string, now = Date.now()): Promise<ScheduleView> {
  const updated = await getDb(env)
    .update(archiverSchedules)
    .set({
      enabled: sql`1 - ${archiverSchedules.enabled}`,
      nextRunAt: enablingClamp(sql`${archiverSchedules.nextRunAt}`, now),
      updatedAt: new Date(now),
    })
    .where(eq(archiverSchedules.id, id))
    .returning({ id: archiverSchedules.id });
  if (updated.length === 0) throw missing();
  return getSchedule(env, id);
}

/** Removes the schedule only: the jobs it created stay, their `schedule_id` naming a schedule that is gone. */
export async function deleteSchedule(env: Env, id: string): Promise<void> {
  const deleted = await getDb(env).delete(archiverSchedules).where(eq(archiverSchedules.id, id)).returning({ id: archiverSchedules.id });
  if (deleted.length === 0) throw missing();
}
