/** Starting and stopping a fake's HTTP server on 127.0.0.1 (tests reach only loopback). */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ListeningServer {
  origin: string;
  port: number;
  /** Drops open connections (keep-alive, stalled uploads) and waits for the server to close. */
  close(): Promise<void>;
}

export async function listenOnLoopback(server: Server, port = 0): Promise<ListeningServer> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
