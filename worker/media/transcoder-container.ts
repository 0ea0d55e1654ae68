/**
 * The production transcoder: a Cloudflare Container (image `containers/transcoder/Dockerfile`) wrapped in
 * a Durable Object class by @cloudflare/containers. Requests to an instance start it if it is asleep.
 */
import { Container } from "@cloudflare/containers";
import { getConfig } from "../env";

export { TRANSCODER_INSTANCES } from "./transcoder-instances";

const PORT = 8788;

/**
 * The container's environment. The transcoder reads its configuration from its process environment
 * only (containers/transcoder/src/config.ts); the Worker's secrets reach it only through this. With
 * TRANSCODER_TOKEN set, the container refuses every operation request without that bearer token, and
 * the Worker's client sends it (see containerTransport).
 */
export function containerEnvVars(env: Env): Record<string, string> {
  const token = getConfig(env).TRANSCODER_TOKEN;
  return {
    // Inside the container the Container class reaches the server on its own address, not loopback.
    HOST: "0.0.0.0",
    PORT: String(PORT),
    ...(token ? { TRANSCODER_TOKEN: token } : {}),
  };
}

export class TranscoderContainer extends Container<Env> {
  override defaultPort = PORT;
  /** Media jobs are bursty; keep a warm instance for a while after the last one. */
  override sleepAfter = "10m";

  constructor(ctx: ConstructorParameters<typeof Container>[0], env: Env) {
    // Passed as an option, not declared as a field: only the constructor sees `env`.
    super(ctx, env, { envVars: containerEnvVars(env) });
  }
}
