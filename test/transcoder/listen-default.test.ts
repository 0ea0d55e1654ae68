/**
 * The transcoder's default bind address, as the process loads it from an environment without HOST. The
 * test stack (helpers/stack.ts) sets HOST itself, so only a configuration without it shows the default.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../containers/transcoder/src/config.ts";
import { startTranscoderServer } from "../../containers/transcoder/src/server.ts";

describe("transcoder bind address", () => {
  it("should listen on loopback only when HOST is not set", async () => {
    const { HOST: _unset, ...withoutHost } = process.env;
    const workDir = await mkdtemp(path.join(os.tmpdir(), "transcoder-listen-"));
    const config = loadConfig({ ...withoutHost, PORT: "0", WORK_DIR: workDir });
    expect(config.host).toBe("127.0.0.1");
    const server = await startTranscoderServer(config, { log: () => {} });
    try {
      expect(new URL(server.url).hostname).toBe("127.0.0.1");
    } finally {
      await server.close();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
