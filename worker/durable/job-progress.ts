/**
 * Live progress of one job, fanned out over WebSockets with the hibernation API (idle sockets cost
 * nothing). Publishers call `publish(state)`; a client that connects late first receives the current state.
 */
import { DurableObject } from "cloudflare:workers";

export class JobProgress extends DurableObject<Env> {
  /** Store and broadcast the latest state; returns how many sockets received it. */
  async publish(state: Record<string, unknown>): Promise<number> {
    const message = JSON.stringify(state);
    await this.ctx.storage.put("state", message);
    let delivered = 0;
    for (const socket of this.ctx.getWebSockets()) {
      try {
        socket.send(message);
        delivered++;
      } catch {
        // A socket closing concurrently; the close handler cleans it up.
      }
    }
    if (state.final === true) {
      for (const socket of this.ctx.getWebSockets()) socket.close(1000, "job finished");
    }
    return delivered;
  }

  async current(): Promise<Record<string, unknown> | null> {
    const text = await this.ctx.storage.get<string>("state");
    return text ? (JSON.parse(text) as Record<string, unknown>) : null;
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const pair = new WebSocketPair();
    const [client, server] = Object.values(pair) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    const state = await this.ctx.storage.get<string>("state");
    if (state) server.send(state);
    return new Response(null, { status: 101, webSocket: client });
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
