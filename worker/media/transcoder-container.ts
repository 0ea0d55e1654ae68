/**
 * The production transcoder: a Cloudflare Container (image `containers/transcoder/Dockerfile`) wrapped in
 * a Durable Object class by @cloudflare/containers. Requests to an instance start it if it is asleep.
 */
import { Container } from "@cloudflare/containers";

export class TranscoderContainer extends Container<Env> {
  override defaultPort = 8788;
  /** Media jobs are bursty; keep a warm instance for a while after the last one. */
  override sleepAfter = "10m";
  override envVars = { HOST: "0.0.0.0", PORT: "8788" };
}
