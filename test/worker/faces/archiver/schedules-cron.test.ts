/**
 * The cron step that runs due schedules: exactly one job per slot when passes overlap or repeat, exact
 * last_run_at / next_run_at, one run after a long outage, disabled schedules never run, a slot whose job
 * already ended is not run again, and the step is in the real cron pass. There is no transcoder here: the
 * jobs' tasks are asserted as rows, not run.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "../../../../worker/db/client";
import { archiverJobs, archiverSchedules, tasks } from "../../../../worker/db/schema";
import { createJob } from "../../../../worker/faces/archiver/jobs";
import { createSchedule, getSchedule } from "../../../../worker/faces/archiver/schedules";
import { dueSchedules, runDueSchedules, runScheduleSlot, slotJobId } from "../../../../worker/faces/archiver/schedules-cron";
import { runScheduled } from "../../../../worker/scheduled";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A fixed clock, far from the real one, so nothing else due in this file's storage interferes with the arithmetic. */
const T0 = Date.parse("2030-06-01T08:00:00.000Z");

const input = (over: Partial<Parameters<typeof createSchedule>[1]> = {}) => ({
  name: "every hour",
  mode: "profile" as const,
  value: "archive.alice",
  limit: 5,
  no_watermark: true,
  interval_minutes: 60,
  enabled: true,
  ...over,
});

const db = () => getDb(env);
const jobsOf = (scheduleId: string) => db().select().from(archiverJobs).where(eq(archiverJobs.scheduleId, scheduleId));
const row = async (id: string) => (await db().select().from(archiverSchedules).where(eq(archiverSchedules.id, id)).get())!;
const taskOf = (id: string) => db().select().from(tasks).where(eq(tasks.id, id)).get();

describe("the run-due-schedules cron step", () => {
  it("should create exactly one job when two passes run at once, and none when passes repeat", async () => {
    const schedule = await createSchedule(env, input(), null, T0);
    const now = T0 + 30_000;

    await Promise.all([runDueSchedules(env, now), runDueSchedules(env, now)]);
    const jobs = await jobsOf(schedule.id);
    expect(jobs.map((j) => j.id)).toEqual([await slotJobId(schedule.id, T0)]);
    expect(jobs[0]).toMatchObject({ mode: "profile", value: "archive.alice", limit: 5, noWatermark: true });
    expect(await taskOf(jobs[0]!.id)).toMatchObject({ kind: "archiver.job", idempotencyKey: `archiver.job:${jobs[0]!.id}` });
    expect(await db().select({ id: tasks.id }).from(tasks).where(eq(tasks.idempotencyKey, `archiver.job:${jobs[0]!.id}`))).toHaveLength(1);

    const after = await row(schedule.id);
    expect(after.lastRunAt?.getTime()).toBe(T0);
    expect(after.nextRunAt.getTime()).toBe(T0 + HOUR);

    await runDueSchedules(env, now);
    await runDueSchedules(env, now + 59 * MINUTE);
    expect(await jobsOf(schedule.id)).toHaveLength(1);

    // The next slot is a new job, and the schedule moves on by one interval.
    await Promise.all([runDueSchedules(env, T0 + HOUR + 5_000), runDueSchedules(env, T0 + HOUR + 5_000)]);
    const two = await jobsOf(schedule.id);
    expect(two.map((j) => j.id).sort()).toEqual([await slotJobId(schedule.id, T0), await slotJobId(schedule.id, T0 + HOUR)].sort());
    expect((await row(schedule.id)).lastRunAt?.getTime()).toBe(T0 + HOUR);
    expect((await row(schedule.id)).nextRunAt.getTime()).toBe(T0 + 2 * HOUR);
    expect((await getSchedule(env, schedule.id)).total_runs).toBe(2);
  });

  it("should leave a schedule alone when a pass acts on a row another pass has moved on since", async () => {
    const schedule = await createSchedule(env, input(), null, T0);
    const stale = await row(schedule.id);
    await runDueSchedules(env, T0 + MINUTE);

    // A pass that read the row before that one ran, and acts only now (an hour and more later).
    expect(await runScheduleSlot(env, stale, T0 + HOUR + 5 * MINUTE)).toBe(false);
    const after = await row(schedule.id);
    expect(after.lastRunAt?.getTime()).toBe(T0);
    // Still T0 + 1 h: the slot that is now due is not skipped.
    expect(after.nextRunAt.getTime()).toBe(T0 + HOUR);
    expect(await jobsOf(schedule.id)).toHaveLength(1);
  });

  it("should run a schedule that was down for hours once, then keep its grid", async () => {
    const schedule = await createSchedule(env, input({ interval_minutes: 90 }), null, T0);
    const now = T0 + 5 * HOUR + 10 * MINUTE;

    await runDueSchedules(env, now);
    await runDueSchedules(env, now);
    expect(await jobsOf(schedule.id)).toHaveLength(1);
    const after = await row(schedule.id);
    expect(after.lastRunAt?.getTime()).toBe(T0);
    // Slots at T0 + 1.5 h, 3 h, 4.5 h were missed; the first after now is T0 + 6 h.
    expect(after.nextRunAt.getTime()).toBe(T0 + 6 * HOUR);
  });

  it("should never run a disabled schedule, and run it once it is enabled", async () => {
    const schedule = await createSchedule(env, input({ enabled: false }), null, T0);
    await runDueSchedules(env, T0 + 10 * HOUR);
    expect(await jobsOf(schedule.id)).toHaveLength(0);
    expect((await row(schedule.id)).nextRunAt.getTime()).toBe(T0);

    await db().update(archiverSchedules).set({ enabled: true }).where(eq(archiverSchedules.id, schedule.id));
    await runDueSchedules(env, T0 + 10 * HOUR);
    expect(await jobsOf(schedule.id)).toHaveLength(1);
  });

  it("should not run again a slot whose job a dead pass already made and that has since failed", async () => {
    const schedule = await createSchedule(env, input(), null, T0);
    // A pass created the slot's job, then died before moving the schedule on; the job then failed for good.
    const jobId = await slotJobId(schedule.id, T0);
    await createJob(env, { mode: "profile", value: "archive.alice", limit: 5, noWatermark: true }, { id: jobId, scheduleId: schedule.id });
    await db().update(tasks).set({ status: "dead", leaseToken: null, errorMessage: "listing failed" }).where(eq(tasks.id, jobId));

    await runDueSchedules(env, T0 + MINUTE);
    expect(await taskOf(jobId)).toMatchObject({ status: "dead", errorMessage: "listing failed" });
    expect(await jobsOf(schedule.id)).toHaveLength(1);
    expect((await row(schedule.id)).nextRunAt.getTime()).toBe(T0 + HOUR);
    expect(await getSchedule(env, schedule.id)).toMatchObject({ total_runs: 1, successful_runs: 0, failed_runs: 1 });
  });

  it("should count a run's outcome from its job's task: succeeded is a successful run, dead a failed one", async () => {
    const schedule = await createSchedule(env, input(), null, T0);
    await runDueSchedules(env, T0);
    await runDueSchedules(env, T0 + HOUR);
    const [first, second] = [await slotJobId(schedule.id, T0), await slotJobId(schedule.id, T0 + HOUR)];
    expect(await getSchedule(env, schedule.id)).toMatchObject({ total_runs: 2, successful_runs: 0, failed_runs: 0 });

    await db().update(tasks).set({ status: "succeeded", leaseToken: null }).where(eq(tasks.id, first));
    expect(await getSchedule(env, schedule.id)).toMatchObject({ total_runs: 2, successful_runs: 1, failed_runs: 0 });
    await db().update(tasks).set({ status: "dead", leaseToken: null }).where(eq(tasks.id, second));
    expect(await getSchedule(env, schedule.id)).toMatchObject({ total_runs: 2, successful_runs: 1, failed_runs: 1 });
  });

  it("should be a step of the real cron pass", async () => {
    const schedule = await createSchedule(env, input(), null, T0);
    const report = await runScheduled(env, T0 + MINUTE);
    expect(report["run-due-schedules"]).toMatchObject({ ok: true });
    expect((await jobsOf(schedule.id)).map((j) => j.id)).toEqual([await slotJobId(schedule.id, T0)]);
  });

  it("should walk the (enabled, next_run_at) index for due schedules, without sorting", async () => {
    const query = dueSchedules(env, T0).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const details = plan.results.map((r) => r.detail).join("\n");
    expect(details).toMatch(/USING INDEX archiver_schedules_due_idx/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });

  it("should give each (schedule, slot) its own UUID-shaped job id, the same every time", async () => {
    const a = await slotJobId("s1", T0);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await slotJobId("s1", T0)).toBe(a);
    expect(new Set([a, await slotJobId("s1", T0 + 1), await slotJobId("s2", T0)]).size).toBe(3);
  });
});
