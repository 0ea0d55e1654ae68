/** Seed 004's handlers: validated HTTP in, plain service calls, the document's bodies and statuses out. */
import { channelHandshake } from "../../auth/ws-subprotocol";
import type { AppRouteHandler } from "../../lib/app-context";
import { channelStub } from "../../tasks/events";
import { jobArchiveResponse } from "./archive-zip";
import { jobChannel, publishJobEvent } from "./events";
import * as jobs from "./jobs";
import type * as R from "./routes";
import * as videos from "./videos";

export const jobCreate: AppRouteHandler<R.JobCreateRoute> = async (c) =>
  c.json(await jobs.createJob(c.env, jobs.jobSourceOf(c.req.valid("json")), { ownerUserId: c.get("auth")?.userId ?? null }), 201);

export const jobGet: AppRouteHandler<R.JobGetRoute> = async (c) => c.json(await jobs.getJobDetail(c.env, c.req.valid("param").job_id), 200);

export const jobList: AppRouteHandler<R.JobListRoute> = async (c) => c.json(await jobs.listJobs(c.env, c.req.valid("query")), 200);

export const jobCancel: AppRouteHandler<R.JobCancelRoute> = async (c) => c.json(await jobs.cancelJob(c.env, c.req.valid("param").job_id), 200);

export const jobDelete: AppRouteHandler<R.JobDeleteRoute> = async (c) => {
  await jobs.deleteJob(c.env, c.req.valid("param").job_id);
  return c.body(null, 204);
};

export const jobArchive: AppRouteHandler<R.JobArchiveRoute> = async (c) => jobArchiveResponse(c.env, c.req.valid("param").job_id);

export const jobProgressSocket: AppRouteHandler<R.JobProgressSocketRoute> = async (c) => {
  const { job_id } = c.req.valid("param");
  await jobs.getJob(c.env, job_id);
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return c.json({ detail: "Expected a WebSocket upgrade" }, 426);
  const stub = channelStub(c.env, jobChannel(job_id));
  // A channel that has never heard of the job (created before anyone published) starts from its state now.
  if (!(await stub.current())) await publishJobEvent(c.env, job_id);
  return stub.fetch(channelHandshake(c.req.raw));
};

export const videoList: AppRouteHandler<R.VideoListRoute> = async (c) => c.json(await videos.listVideos(c.env, c.req.valid("query")), 200);

export const videoGet: AppRouteHandler<R.VideoGetRoute> = async (c) => c.json(await videos.getVideo(c.env, c.req.valid("param").video_id), 200);

export const videoRetry: AppRouteHandler<R.VideoRetryRoute> = async (c) => c.json(await videos.retryVideo(c.env, c.req.valid("param").video_id), 200);

export const videoDelete: AppRouteHandler<R.VideoDeleteRoute> = async (c) => {
  await videos.deleteVideo(c.env, c.req.valid("param").video_id);
  return c.body(null, 204);
};
