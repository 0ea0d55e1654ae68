/**
 * The platform's progress channels (no seed documents them): the WebSocket a client opens before it sends a
 * synchronous media request with `X-Progress-Channel` (see worker/media/progress-channel.ts).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { taskEventSchema } from "../../durable/progress-event";
import { converterErrors, errorResponse } from "../../lib/error-format";
import { progressChannelId } from "../../media/progress-channel";

export const ProgressChannelParams = z.object({
  channel: progressChannelId.openapi({ param: { name: "channel", in: "path" }, example: "0b8e6a52-3c4f-4f0e-9d2a-6f1c2b7d9e10" }),
});

export const progressSocket = createRoute({
  method: "get",
  path: "/api/progress/{channel}",
  tags: ["Progress"],
  summary: "Live progress of a synchronous media request over a WebSocket",
  description: [
    "Upgrade to a WebSocket on a channel the client named: a UUID it picked itself (`crypto.randomUUID()`); knowing it is",
    "the only right to listen, so no credential is read (browsers cannot send headers on a WebSocket handshake). Then send",
    "`POST /download`, `POST /api/{youtube,instagram,tiktok}/convert` or `POST /api/v1/download` with",
    "`X-Progress-Channel: <the same UUID>`: each message is the fetch task's event,",
    "`{type: \"task\", taskId, kind, status, progress (0–100), stage, error?: {code, message}, final, at}`, the current state",
    "first; a finished task (a cache hit) sends its final event at once, after which the server closes the socket.",
    "A channel that has heard nothing yet stays silent until the request arrives. Send `ping` to get `pong`.",
    "Public, under the streaming rate limit per client address.",
  ].join(" "),
  request: { params: ProgressChannelParams },
  responses: {
    // OpenAPI has no words for WebSocket messages: the 101's content documents what each message is, so
    // clients (the web app's Save page) get the event's type from the same document.
    101: {
      description: "Switching Protocols; then one JSON message per task event",
      content: { "application/json": { schema: taskEventSchema.openapi("TaskEvent") } },
    },
    400: errorResponse(converterErrors, 400, "The channel is not a UUID"),
    426: errorResponse(converterErrors, 426, "Not a WebSocket upgrade"),
    429: errorResponse(converterErrors, 429, "Over the rate limit"),
  },
});

export type ProgressSocketRoute = typeof progressSocket;
