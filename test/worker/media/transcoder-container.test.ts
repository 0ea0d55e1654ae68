/**
 * The production container's environment. No Docker engine exists on these machines, so the Container
 * class cannot start here; what it hands the container at start is `containerEnvVars(env)`, tested here
 * with the Worker's own test env and with explicit secrets.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { containerEnvVars } from "../../../worker/media/transcoder-container";

describe("containerEnvVars", () => {
  it("should pass the Worker's TRANSCODER_TOKEN to the container", () => {
    expect(containerEnvVars({ ...env, TRANSCODER_TOKEN: "from-the-worker-secret" })).toMatchObject({ TRANSCODER_TOKEN: "from-the-worker-secret" });
  });

  it("should listen on every interface of the container, on the port the class proxies to", () => {
    expect(containerEnvVars(env)).toMatchObject({ HOST: "0.0.0.0", PORT: "8788" });
  });

  it.each([undefined, ""])("should leave TRANSCODER_TOKEN out when the Worker has none (%j)", (token) => {
    expect(containerEnvVars({ ...env, TRANSCODER_TOKEN: token } as Env)).not.toHaveProperty("TRANSCODER_TOKEN");
  });
});
