/**
 * The progress channel of one request (GET /api/progress/{channel}): a random UUID, opened as a WebSocket
 * before the request is sent with `X-Progress-Channel`, so the task's events arrive while the request waits.
 */
import type { components } from "../../api/schema";

export type TaskEvent = components["schemas"]["TaskEvent"];

export interface ProgressChannel {
  /** The channel's id for the request header; undefined when the socket could not be opened. */
  id: string | undefined;
  close(): void;
}

/** How long the page waits for the socket before sending the request without progress events. */
const OPEN_TIMEOUT_MS = 3000;

const isTaskEvent = (value: unknown): value is TaskEvent =>
  typeof value === "object" && value !== null && (value as { type?: unknown }).type === "task";

/**
 * Opens the channel and resolves once it is open (or failed: the request then goes without the header and
 * the bar stays indeterminate, the answer still arrives). Events are handed to `onEvent` as they come.
 */
export function openProgressChannel(onEvent: (event: TaskEvent) => void): Promise<ProgressChannel> {
  const id = crypto.randomUUID();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(`${scheme}//${location.host}/api/progress/${id}`);
  socket.addEventListener("message", (message) => {
    if (typeof message.data !== "string") return;
    try {
      const parsed: unknown = JSON.parse(message.data);
      if (isTaskEvent(parsed)) onEvent(parsed);
    } catch {
      // "pong" and anything else that is not an event
    }
  });
  const close = () => socket.close();
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle(false), OPEN_TIMEOUT_MS);
    function settle(open: boolean) {
      clearTimeout(timer);
      if (!open) socket.close();
      resolve({ id: open ? id : undefined, close });
    }
    socket.addEventListener("open", () => settle(true), { once: true });
    socket.addEventListener("error", () => settle(false), { once: true });
  });
}
