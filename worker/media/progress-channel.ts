/**
 * Progress channels for synchronous media requests. A request such as `POST /download` waits for its fetch
 * task, so the client cannot learn the task id before the answer; instead it picks a random channel id
 * (a UUID: whoever knows it may listen), opens `GET /api/progress/{channel}` as a WebSocket, and sends the
 * request with `X-Progress-Channel: <uuid>`. The request watches its task on that channel
 * (`watchTask`), so the socket receives the task's `TaskEvent`s, the current state first.
 */
import { z } from "@hono/zod-openapi";

/**
 * Client ids live under their own prefix: a client naming a channel can never reach a task's own channel
 * (`task:<id>`) or a face's (`archiver-job:<id>`), whose events are not theirs to read.
 */
export const progressChannelName = (id: string) => `progress:${id.toLowerCase()}`;

export const progressChannelId = z.string().uuid();

const headerDescription =
  "Optional: a UUID the client picked and opened as a WebSocket at `GET /api/progress/{channel}` first; the task this " +
  "request submits or joins sends its progress events there (a finished task sends its final event at once). A value " +
  "that is not a UUID is refused as a validation error; without the header nothing changes.";

/** The request-headers schema of a route that accepts a progress channel; lower-case, as Hono hands headers to the validator. */
export const ProgressChannelHeaders = z.object({
  "x-progress-channel": progressChannelId.optional().openapi({
    param: { name: "x-progress-channel", in: "header" },
    description: headerDescription,
    example: "0b8e6a52-3c4f-4f0e-9d2a-6f1c2b7d9e10",
  }),
});

/** The validated header's channel, named; undefined without the header. */
export const progressChannelOf = (headers: { "x-progress-channel"?: string | undefined }): string | undefined => {
  const id = headers["x-progress-channel"];
  return id ? progressChannelName(id) : undefined;
};
