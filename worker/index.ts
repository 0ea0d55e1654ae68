/**
 * The Worker: HTTP (all five faces), the task queue consumer, the cron pass, and the Durable Object /
 * Container classes wrangler.toml binds.
 */
import { createApp } from "./app";
import { runScheduled } from "./scheduled";
import { registerTaskKinds } from "./task-kinds";
import { handleQueueBatch } from "./tasks/consumer";
import type { TaskWakeMessage } from "./tasks/engine";

export { JobProgress } from "./durable/job-progress";
export { RateLimiter } from "./durable/rate-limiter";
export { TranscoderContainer } from "./media/transcoder-container";

registerTaskKinds();
const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env, _ctx) => handleQueueBatch(batch, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(runScheduled(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env, TaskWakeMessage>;
