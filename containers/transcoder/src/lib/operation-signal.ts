/**
 * One AbortSignal per operation that fires when the client goes away, the operation's time is up, or
 * the server shuts down. Everything the operation starts (children, proxy, fetches) listens to it, so
 * a disconnect stops yt-dlp and ffmpeg instead of letting them run for nobody.
 */
import type { ServerResponse } from "node:http";

export type AbortReason = "client-gone" | "timeout" | "shutdown";

export type OperationSignal = {
  signal: AbortSignal;
  reason(): AbortReason | undefined;
  dispose(): void;
};

export const startOperationSignal = (
  res: ServerResponse,
  shutdown: AbortSignal,
  timeoutMs: number,
): OperationSignal => {
  const controller = new AbortController();
  let reason: AbortReason | undefined;
  const abort = (why: AbortReason) => {
    if (controller.signal.aborted) return;
    reason = why;
    controller.abort(why);
  };
  // "close" on the response before it ended means the client dropped the connection.
  const onClose = () => {
    if (!res.writableEnded) abort("client-gone");
  };
  const onShutdown = () => abort("shutdown");
  res.on("close", onClose);
  shutdown.addEventListener("abort", onShutdown, { once: true });
  const timer = setTimeout(() => abort("timeout"), timeoutMs);
  return {
    signal: controller.signal,
    reason: () => reason,
    dispose: () => {
      clearTimeout(timer);
      res.off("close", onClose);
      shutdown.removeEventListener("abort", onShutdown);
    },
  };
};
