import { channelHandshake } from "../../auth/ws-subprotocol";
import { AppError } from "../../lib/errors";
import type { AppRouteHandler } from "../../lib/app-context";
import { progressChannelName } from "../../media/progress-channel";
import { channelStub } from "../../tasks/events";
import type { ProgressSocketRoute } from "./routes";

/** Hands the handshake (stripped, as the archiver's is) to the channel's JobProgress object, which sends its current state (if any) first. */
export const progressSocket: AppRouteHandler<ProgressSocketRoute> = async (c) => {
  const { channel } = c.req.valid("param");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") throw new AppError(426, "Expected a WebSocket upgrade");
  const upgraded = await channelStub(c.env, progressChannelName(channel)).fetch(channelHandshake(c.req.raw));
  // The 101's documented content describes the socket's messages, which no typed body could carry: the
  // Durable Object's handshake response is passed on as it is.
  return upgraded as unknown as Awaited<ReturnType<AppRouteHandler<ProgressSocketRoute>>>;
};
