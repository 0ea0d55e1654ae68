/** Seed 004's scheduled-job handlers: validated HTTP in, plain service calls, the document's bodies out. */
import type { AppRouteHandler } from "../../lib/app-context";
import type * as R from "./schedules-routes";
import * as schedules from "./schedules";

export const scheduleCreate: AppRouteHandler<R.ScheduleCreateRoute> = async (c) =>
  c.json(await schedules.createSchedule(c.env, c.req.valid("json"), c.get("auth")?.userId ?? null), 201);

export const scheduleList: AppRouteHandler<R.ScheduleListRoute> = async (c) => c.json(await schedules.listSchedules(c.env, c.req.valid("query")), 200);

export const scheduleGet: AppRouteHandler<R.ScheduleGetRoute> = async (c) => c.json(await schedules.getSchedule(c.env, c.req.valid("param").job_id), 200);

export const scheduleUpdate: AppRouteHandler<R.ScheduleUpdateRoute> = async (c) =>
  c.json(await schedules.updateSchedule(c.env, c.req.valid("param").job_id, c.req.valid("json")), 200);

export const scheduleToggle: AppRouteHandler<R.ScheduleToggleRoute> = async (c) =>
  c.json(await schedules.toggleSchedule(c.env, c.req.valid("param").job_id), 200);

export const scheduleDelete: AppRouteHandler<R.ScheduleDeleteRoute> = async (c) => {
  await schedules.deleteSchedule(c.env, c.req.valid("param").job_id);
  return c.body(null, 204);
};
