/** HTTP for the queue routes: validated input in, queue/jobs.ts's answer out. */
import type { AppRouteHandler } from "../../../lib/app-context";
import { addJob as addQueueJob, getJob as getQueueJob, listJobs as listQueueJobs, queueCounts } from "./jobs";
import type { AddJobRoute, GetJobRoute, ListJobsRoute, StatsRoute } from "./routes";

export const addJob: AppRouteHandler<AddJobRoute> = async (c) => {
  const body = c.req.valid("json");
  const job = await addQueueJob(c.env, { url: body.url, priority: body.priority, maxRetries: body.max_retries, caller: c.get("auth")?.userId ?? null });
  return c.json({ success: true as const, ...job }, 201);
};

export const listJobs: AppRouteHandler<ListJobsRoute> = async (c) => {
  const query = c.req.valid("query");
  const page = await listQueueJobs(c.env, { ...query, caller: c.get("auth")?.userId ?? null });
  return c.json({ success: true as const, ...page }, 200);
};

export const getJob: AppRouteHandler<GetJobRoute> = async (c) => {
  const job = await getQueueJob(c.env, c.req.valid("param").id, c.get("auth")?.userId ?? null);
  return c.json({ success: true as const, ...job }, 200);
};

export const stats: AppRouteHandler<StatsRoute> = async (c) => c.json({ success: true as const, ...(await queueCounts(c.env, c.get("auth")?.userId ?? null)) }, 200);
