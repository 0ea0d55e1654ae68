/**
 * What every operation handler receives from the server: configuration, the DNS lookup the network
 * guard uses (replaceable in tests), the server-wide shutdown signal, and a logger.
 */
import type { Config } from "./config.ts";
import type { LookupAll } from "./lib/net-guard.ts";

export type AppContext = {
  config: Config;
  lookup?: LookupAll;
  /** Aborts when the server shuts down: running operations stop and clean up. */
  shutdown: AbortSignal;
  log: (message: string) => void;
};
