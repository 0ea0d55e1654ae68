/**
 * Live progress of one channel (a task's own `task:<id>`, or a channel that watches tasks), fanned out over
 * WebSockets with the hibernation API (idle sockets cost nothing). Publishers call `publish(event)`; a
 * client that connects late first receives the current state; a caller that must wait for the outcome
 * awaits `waitForFinal` instead of polling.
 */
import { DurableObject } from "cloudflare:workers";
import { progressEventSchema, type ProgressEvent } from "./progress-event";

interface Waiter {
  finalOnly: boolean;
  resolve(event: ProgressEvent | null): void;
}

/** The last event kept per task: publishes can arrive out of order (a heartbeat racing the completion). */
interface TaskMark {
  at: number;
  final: boolean;
}

export class JobProgress extends DurableObject<Env> {
  /** In memory only: a pending RPC keeps the object alive, so waiters never outlive their instance. */
  private readonly waiters = new Set<Waiter>();

  /** Store and broadcast an event; returns how many sockets received it (0 when it was stale and dropped). */
  async publish(input: ProgressEvent): Promise<number> {
    const event = progressEventSchema.parse(input);
    const markKey = `task:${event.taskId}`;
    const mark = await this.ctx.storage.get<TaskMark>(markKey);
    if (mark && (event.at < mark.at || (event.at === mark.at && mark.final && !event.final))) return 0;
    await this.ctx.storage.put({ [markKey]: { at: event.at, final: event.final } satisfies TaskMark, state: JSON.stringify(event) });

    const message = JSON.stringify(event);
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(message);
        delivered++;
      } catch {
        // A socket closing concurrently; the close handler cleans it up.
      }
    }
    for (const waiter of [...this.waiters]) {
      if (waiter.finalOnly && !event.final) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
    if (event.final) {
      for (const socket of this.ctx.getWebSockets()) socket.close(1000, "job finished");
    }
    return delivered;
  }

  async current(): Promise<ProgressEvent | null> {
    const text = await this.ctx.storage.get<string>("state");
    return text ? progressEventSchema.parse(JSON.parse(text)) : null;
  }

  /** The final event: at once when the stored state already is final, else when one is published; null on timeout. */
  async waitForFinal(timeoutMs: number): Promise<ProgressEvent | null> {
    const state = await this.current();
    if (state?.final) return state;
    return this.wait(true, timeoutMs);
  }

  /** The next event published after this call; null on timeout. */
  async waitForNext(timeoutMs: number): Promise<ProgressEvent | null> {
    return this.wait(false, timeoutMs);
  }

  private wait(finalOnly: boolean, timeoutMs: number): Promise<ProgressEvent | null> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        finalOnly,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(null);
      }, Math.max(0, timeoutMs));
      this.waiters.add(waiter);
    });
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    const state = await this.ctx.storage.get<string>("state");
    if (state) server.send(state);
    // The forwarding Worker names the one subprotocol to select (it has authenticated the client and
    // stripped its credentials); a browser that offered protocols fails a 101 that selects none.
    const selected = request.headers.get("Sec-WebSocket-Protocol");
    const headers = selected && !selected.includes(",") ? { "Sec-WebSocket-Protocol": selected } : undefined;
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === "ping") socket.send("pong");
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    try {
      socket.close(code === 1005 ? 1000 : code, "closing");
    } catch {
      // already closed
    }
  }
}
